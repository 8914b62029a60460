#!/usr/bin/python3
"""raw-fetch: the floor for opening a big IMAP folder.

Connects with implicit TLS (verifying against --ca), logs in, SELECTs the
folder and sends one

  UID FETCH 1:* (UID FLAGS ENVELOPE RFC822.SIZE INTERNALDATE BODYSTRUCTURE
                 BODY.PEEK[HEADER.FIELDS (REFERENCES)] MODSEQ)

-- the items skua's sync fetches (src/imap-convert.c) -- reading the answer
and throwing it away: no parsing beyond finding literals and the end.
With --last N it fetches only the newest N messages by sequence number
(the floor for a first screen).

Prints "key value" lines: connect_s login_s select_s fetch_s total_s
(seconds since the start of the TCP connect), messages (untagged FETCH
responses) and read_bytes (decrypted bytes of the FETCH answer).

  raw-fetch.py --port P --ca CA --user U --password PW [--folder F] [--last N]
"""
import argparse
import imaplib
import re
import ssl
import sys
import time

ITEMS = ("(UID FLAGS ENVELOPE RFC822.SIZE INTERNALDATE BODYSTRUCTURE "
         "BODY.PEEK[HEADER.FIELDS (REFERENCES)] MODSEQ)")
LITERAL = re.compile(rb"\{(\d+)\}\r\n$")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--ca", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--folder", default="INBOX")
    ap.add_argument("--last", type=int, default=0,
                    help="fetch only the newest N messages")
    args = ap.parse_args()

    ctx = ssl.create_default_context(cafile=args.ca)
    t0 = time.monotonic()
    c = imaplib.IMAP4_SSL(args.host, args.port, ssl_context=ctx, timeout=600)
    t_connect = time.monotonic()
    c.login(args.user, args.password)
    t_login = time.monotonic()
    typ, data = c.select(args.folder, readonly=True)
    if typ != "OK":
        sys.exit("raw-fetch: SELECT %s: %r" % (args.folder, data))
    exists = int(data[0])
    t_select = time.monotonic()

    if args.last > 0:
        first = max(1, exists - args.last + 1)
        cmd = b"FETCH %d:* " % first
    else:
        cmd = b"UID FETCH 1:* "
    # Our own tag, unlike imaplib's, so the answer is read here unparsed.
    tag = b"RAW1"
    c.send(tag + b" " + cmd + ITEMS.encode() + b"\r\n")
    f = c.file
    messages = nbytes = 0
    while True:
        line = f.readline()
        if not line:
            sys.exit("raw-fetch: connection closed during FETCH")
        nbytes += len(line)
        if line.startswith(b"* ") and b" FETCH " in line[:24]:
            messages += 1
        m = LITERAL.search(line)
        if m:
            n = int(m.group(1))
            while n > 0:
                chunk = f.read(min(n, 1 << 20))
                if not chunk:
                    sys.exit("raw-fetch: connection closed in a literal")
                n -= len(chunk)
                nbytes += len(chunk)
            continue
        if line.startswith(tag + b" "):
            if not line.startswith(tag + b" OK"):
                sys.exit("raw-fetch: FETCH failed: %r" % line)
            break
    t_fetch = time.monotonic()
    c.logout()

    print("connect_s %.4f" % (t_connect - t0))
    print("login_s %.4f" % (t_login - t0))
    print("select_s %.4f" % (t_select - t0))
    print("fetch_s %.4f" % (t_fetch - t_select))
    print("total_s %.4f" % (t_fetch - t0))
    print("messages %d" % messages)
    print("read_bytes %d" % nbytes)


if __name__ == "__main__":
    main()
