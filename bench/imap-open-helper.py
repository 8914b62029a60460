#!/usr/bin/python3
"""imap-open-helper: the measuring half of bench/imap-open.

Each measuring subcommand runs one thing once and appends "key run value"
lines to the results file (--record); "report" turns that file into the
tables.  Server bytes always come from dovecot's log: the sum of out= (and
in=) over every IMAP session that logged in after the measurement started,
read once all of those sessions have logged out.

  info        corpus facts (newest subject, big message) as shell variables;
              also warms the server: SELECT + FETCH 1:* (UID)
  skua-open   account-probe CONFIG ACCOUNT open FOLDER: first ROWS, DONE,
              bytes, peak RSS of the probe and of its worker
  raw         bench/raw-fetch.py: time and bytes
  fetch       fetch-probe: one section of one message: time, bytes, RSS
  tui         neomutt or aerc in a private tmux server: time until a text
              shows, bytes, peak RSS; optionally then open a message
  report      medians, min and max, the summary and the ratios
"""
import argparse
import collections
import email.errors
import email.header
import os
import quopri
import re
import shlex
import ssl
import statistics
import subprocess
import sys
import threading
import time

LOGIN = re.compile(r"imap-login: Info: Login: user=<[^>]*>.*session=<([^>]+)>")
LOGOUT = re.compile(r"imap\([^)]*\)<\d+><([^>]+)>: .* in=(\d+) out=(\d+)")


# --- shared pieces -----------------------------------------------------------
def record(path, key, run, value):
    with open(path, "a") as f:
        f.write("%s %s %s\n" % (key, run, value))


def log_size(log):
    try:
        return os.path.getsize(log)
    except OSError:
        return 0


def session_bytes(log, offset, timeout=60.0):
    """(out, in, sessions, unfinished) over the sessions that logged in
    after OFFSET of LOG, once they have all logged out (or TIMEOUT)."""
    deadline = time.monotonic() + timeout
    while True:
        with open(log, "rb") as f:
            f.seek(offset)
            text = f.read().decode("utf-8", "replace")
        logins, ends = set(), {}
        for line in text.splitlines():
            m = LOGIN.search(line)
            if m:
                logins.add(m.group(1))
                continue
            m = LOGOUT.search(line)
            if m:
                ends[m.group(1)] = (int(m.group(2)), int(m.group(3)))
        done = [ends[s] for s in logins if s in ends]
        missing = len(logins) - len(done)
        if missing == 0 or time.monotonic() > deadline:
            return (sum(o for _, o in done), sum(i for i, _ in done),
                    len(logins), missing)
        time.sleep(0.05)


def record_bytes(args, key, run, offset):
    out, inb, n, missing = session_bytes(args.log, offset)
    record(args.record, key + ".server_out_bytes", run, out)
    record(args.record, key + ".server_in_bytes", run, inb)
    record(args.record, key + ".sessions", run, n)
    if missing:
        note(args.record, "%s run %s: %d session(s) had not logged out; "
             "their bytes are missing" % (key, run, missing))
    return out


def note(path, text):
    print("imap-open: " + text, file=sys.stderr)
    with open(path, "a") as f:
        f.write("# note: %s\n" % text)


def vm_hwm(pid):
    """Peak RSS in KiB of PID so far (VmHWM), or None once it is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def children(pid):
    """PIDs whose parent is PID (a scan of /proc)."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                s = f.read()
        except OSError:
            continue
        # comm may hold spaces and parentheses: split after the last ')'.
        fields = s[s.rfind(")") + 2:].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            out.append(int(d))
    return out


def comm(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return ""


# --- info --------------------------------------------------------------------
def header_text(raw):
    value = raw.decode("utf-8", "replace").split(":", 1)[-1]
    value = re.sub(r"\r?\n[ \t]+", " ", value).strip()
    try:
        return str(email.header.make_header(email.header.decode_header(value)))
    except (email.errors.HeaderParseError, LookupError, UnicodeDecodeError):
        return value


def literal(data):
    """The first literal of an imaplib FETCH answer."""
    for item in data:
        if isinstance(item, tuple):
            return item[1]
    return b""


def cmd_info(args):
    import imaplib
    ctx = ssl.create_default_context(cafile=args.ca)
    c = imaplib.IMAP4_SSL("127.0.0.1", args.port, ssl_context=ctx, timeout=900)
    c.login(args.user, args.password)
    t = time.monotonic()
    # dovecot indexes the folder here: the SELECT assigns UIDs, the FETCH
    # reads the index once.
    typ, data = c.select("INBOX", readonly=True)
    exists = int(data[0])
    c.fetch("1:*", "(UID)")
    index_s = time.monotonic() - t
    typ, data = c.fetch("*", "(UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    newest_uid = int(re.search(rb"UID (\d+)", data[0][0]).group(1))
    subject = header_text(literal(data))
    typ, data = c.uid("SEARCH", "SUBJECT", '"Big attachment"')
    uids = data[0].split()
    big_uid, big_subject, big_line, big_size, att_size = 0, "", "", 0, 0
    if uids:
        big_uid = int(uids[-1])
        typ, data = c.uid("FETCH", str(big_uid),
                          "(RFC822.SIZE BODYSTRUCTURE "
                          "BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        head = data[0][0]
        big_size = int(re.search(rb"RFC822\.SIZE (\d+)", head).group(1))
        big_subject = header_text(literal(data))
        m = re.search(rb'"application" "zip" .*?"base64" (\d+)',
                      head, re.I)
        att_size = int(m.group(1)) if m else 0
        typ, data = c.uid("FETCH", str(big_uid), "(BODY.PEEK[1])")
        text = quopri.decodestring(literal(data)).decode("utf-8", "replace")
        big_line = next((ln.strip() for ln in text.splitlines()
                         if ln.strip()), "")
    c.logout()
    out = collections.OrderedDict([
        ("COUNT", exists), ("INDEX_S", "%.2f" % index_s),
        ("NEWEST_UID", newest_uid), ("NEWEST_SUBJECT", subject),
        ("NEEDLE", needle_of(subject)),
        ("BIG_UID", big_uid), ("BIG_SUBJECT", big_subject),
        ("BIG_SIZE", big_size), ("BIG_ATT_SIZE", att_size),
        ("BIG_LINE", big_line[:40])])
    for k, v in out.items():
        print("%s=%s" % (k, shlex.quote(str(v))))


def needle_of(subject):
    """A piece of SUBJECT that a 120-column index shows untruncated."""
    return subject.strip()[:20].strip()


# --- skua: account-probe -------------------------------------------------------
def cmd_skua_open(args):
    timefile = args.record + ".time.tmp"
    offset = log_size(args.log)
    argv = ["/usr/bin/time", "-o", timefile, "-f", "%M", args.probe,
            args.conf, args.account, "open", args.folder]
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE)
    peaks = {"probe": 0, "worker": 0}
    stop = threading.Event()

    def sample():
        # The probe is /usr/bin/time's child; the workers are the probe's
        # children that carry its name (fork without exec).  Rescan for
        # workers now and then: a restarted worker is a new process.
        probe, workers, scanned = None, set(), 0.0
        while not stop.is_set():
            now = time.monotonic()
            if probe is None:
                kids = children(p.pid)
                probe = kids[0] if kids else None
            elif not workers or now - scanned > 0.2:
                scanned = now
                workers.update(k for k in children(probe)
                               if comm(k) == comm(probe))
            for name, pids in (("probe", [probe] if probe else []),
                               ("worker", workers)):
                for pid in pids:
                    v = vm_hwm(pid)
                    if v is not None:
                        peaks[name] = max(peaks[name], v)
            stop.wait(0.01)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    first = done = None
    first_ms = done_ms = None
    rows = 0
    lines = []
    for raw in p.stdout:
        now = time.monotonic() - t0
        line = raw.decode("utf-8", "replace").rstrip("\n")
        lines.append("%.4f %s" % (now, line))
        f = line.split(" ", 2)
        if len(f) >= 2 and f[1] == "ROWS":
            rows += int(f[2].split()[0])
            if first is None:
                first, first_ms = now, int(f[0])
        elif len(f) >= 2 and f[1] == "DONE":
            done, done_ms = now, int(f[0])
    rc = p.wait()
    stop.set()
    th.join()
    if args.save_output:
        with open(args.save_output, "w") as f:
            f.write("\n".join(lines) + "\n")
    k, r = args.key, args.run
    if os.path.exists(timefile):
        with open(timefile) as f:
            rss = f.read().split()
        os.unlink(timefile)
    else:
        rss = []
    if rc != 0 or done is None:     # a failed run counts for nothing
        note(args.record, "%s run %s: account-probe exit %d, last line: %s"
             % (k, r, rc, lines[-1] if lines else "(none)"))
        session_bytes(args.log, offset)
        return 1
    if first is not None:
        record(args.record, k + ".first_screen_s", r, "%.4f" % first)
        record(args.record, k + ".first_screen_probe_ms", r, first_ms)
    if done is not None:
        record(args.record, k + ".complete_s", r, "%.4f" % done)
        record(args.record, k + ".complete_probe_ms", r, done_ms)
    record(args.record, k + ".rows", r, rows)
    if rss and rss[-1].isdigit():
        record(args.record, k + ".rss_time_kib", r, int(rss[-1]))
    if peaks["probe"]:
        record(args.record, k + ".rss_probe_kib", r, peaks["probe"])
    if peaks["worker"]:
        record(args.record, k + ".rss_worker_kib", r, peaks["worker"])
    record_bytes(args, k, r, offset)
    return 0


# --- raw floor -------------------------------------------------------------------
def cmd_raw(args):
    offset = log_size(args.log)
    argv = ["/usr/bin/python3", args.script, "--port", str(args.port),
            "--ca", args.ca, "--user", args.user, "--password", args.password]
    if args.last:
        argv += ["--last", str(args.last)]
    p = subprocess.run(argv, stdout=subprocess.PIPE, text=True)
    vals = dict(ln.split(" ", 1) for ln in p.stdout.splitlines() if " " in ln)
    if p.returncode != 0 or "total_s" not in vals:
        note(args.record, "%s run %s: raw-fetch failed (exit %d)"
             % (args.key, args.run, p.returncode))
        session_bytes(args.log, offset)
        return 1
    if not args.warmup:
        record(args.record, args.key + ".complete_s", args.run, vals["total_s"])
        record(args.record, args.key + ".fetch_s", args.run, vals["fetch_s"])
        record(args.record, args.key + ".messages", args.run, vals["messages"])
        record_bytes(args, args.key, args.run, offset)
    else:
        session_bytes(args.log, offset)
    return 0


# --- skua: fetch-probe ----------------------------------------------------------
def cmd_fetch(args):
    timefile = args.record + ".time.tmp"
    offset = log_size(args.log)
    argv = ["/usr/bin/time", "-o", timefile, "-f", "%M", args.probe,
            "-h", "127.0.0.1", "-p", str(args.port), "-t", "implicit",
            "-c", args.ca, "-u", args.user, "-w", args.password,
            "-U", str(args.uid), "-s", args.section, "-d", args.cache_dir]
    if args.total:
        argv += ["-z", str(args.total)]
    t0 = time.monotonic()
    p = subprocess.run(argv, stdout=subprocess.PIPE, text=True)
    wall = time.monotonic() - t0
    ok = re.search(r"^OK (\d+) ", p.stdout, re.M)
    if p.returncode != 0 or not ok:
        note(args.record, "%s run %s: fetch-probe exit %d: %s" % (
            args.key, args.run, p.returncode, p.stdout.strip()[-200:]))
        session_bytes(args.log, offset)
        return 1
    record(args.record, args.key + ".time_s", args.run, "%.4f" % wall)
    record(args.record, args.key + ".part_bytes", args.run, ok.group(1))
    try:
        with open(timefile) as f:
            record(args.record, args.key + ".rss_time_kib", args.run,
                   int(f.read().split()[-1]))
    except (OSError, IndexError, ValueError):
        pass
    finally:
        if os.path.exists(timefile):
            os.unlink(timefile)
    record_bytes(args, args.key, args.run, offset)
    return 0


# --- neomutt / aerc in tmux ---------------------------------------------------------
class Tmux:
    def __init__(self, sock):
        self.base = ["tmux", "-L", sock, "-f", "/dev/null"]

    def __call__(self, *a, check=True):
        return subprocess.run(self.base + list(a), stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True,
                              check=check).stdout

    def look(self):
        """(screen text, pane pid, pane dead)"""
        out = self("capture-pane", "-p", "-t", "b", ";", "display-message",
                   "-p", "-t", "b", "#{pane_pid} #{pane_dead}", check=False)
        screen, _, tail = out.rstrip("\n").rpartition("\n")
        try:
            pid, dead = tail.split()
            return screen, int(pid), dead == "1"
        except ValueError:
            return out, 0, True


def cmd_tui(args):
    env = ["env", "-i"] + ["PATH=/usr/local/bin:/usr/bin:/bin",
                           "LANG=C.UTF-8", "TERM=screen-256color"] + args.env
    command = "exec " + " ".join(shlex.quote(a) for a in env + args.cmd)
    sock = "skua-bench-%d" % os.getpid()
    tmux = Tmux(sock)
    k, r = args.key, args.run
    peak = [0]
    screens = []

    def wait_for(text, timeout, label):
        deadline = time.monotonic() + timeout
        while True:
            t = time.monotonic()
            screen, pid, dead = tmux.look()
            if pid and not dead:
                v = vm_hwm(pid)
                if v:
                    peak[0] = max(peak[0], v)
            if text in screen:
                return time.monotonic()
            if dead or t > deadline:
                screens.append(screen)
                raise RuntimeError("%s: %r did not show (%s)" % (
                    label, text, "client exited" if dead else
                    "timeout after %ds" % timeout))
            time.sleep(max(0, 0.02 - (time.monotonic() - t)))

    def settle(seconds=1.0, limit=15.0):
        """Wait until the screen has not changed for SECONDS."""
        end = time.monotonic() + limit
        last, since = None, time.monotonic()
        while time.monotonic() < end:
            screen, pid, dead = tmux.look()
            if pid and not dead:
                v = vm_hwm(pid)
                if v:
                    peak[0] = max(peak[0], v)
            if screen != last:
                last, since = screen, time.monotonic()
            elif time.monotonic() - since >= seconds:
                return
            time.sleep(0.05)

    offset = log_size(args.log)
    rc = 0
    try:
        tmux("new-session", "-d", "-x", "120", "-y", "40", "-s", "b",
             "sleep 100000")
        tmux("set-option", "-g", "remain-on-exit", "on")
        t0 = time.monotonic()
        tmux("respawn-pane", "-k", "-t", "b", command)
        t1 = wait_for(args.needle, args.timeout, "open")
        times = [(k + ".first_screen_s", t1 - t0)]
        settle()
        if args.limit_keys:
            tmux("send-keys", "-t", "b", *args.limit_keys[:1])
            tmux("send-keys", "-t", "b", "-l", args.limit_keys[1])
            tmux("send-keys", "-t", "b", "Enter")
            wait_for(args.limit_needle, args.timeout, "limit")
            settle(0.5)
            t2 = time.monotonic()
            tmux("send-keys", "-t", "b", "Enter")
            t3 = wait_for(args.body_needle, args.timeout, "message")
            times.append((k + ".message_s", t3 - t2))
            settle(0.5)
        screen, pid, dead = tmux.look()
        v = vm_hwm(pid) if pid and not dead else None
        if v:
            peak[0] = max(peak[0], v)
        for keys in args.quit_keys:
            tmux("send-keys", "-t", "b", *shlex.split(keys))
            time.sleep(0.3)
        end = time.monotonic() + 60
        while time.monotonic() < end:
            screen, pid, dead = tmux.look()
            if dead:
                break
            time.sleep(0.05)
        else:
            note(args.record, "%s run %s: the client did not quit; killed" %
                 (k, r))
        for key, v in times:
            record(args.record, key, r, "%.4f" % v)
    except (RuntimeError, subprocess.CalledProcessError) as e:
        note(args.record, "%s run %s: %s" % (k, r, e))
        if screens and args.screen_dump:
            with open(args.screen_dump, "w") as f:
                f.write(screens[-1] + "\n")
        rc = 1
    finally:
        tmux("kill-server", check=False)
    if rc != 0:                 # a failed run counts for nothing
        session_bytes(args.log, offset)
        return rc
    if peak[0]:
        record(args.record, k + ".rss_kib", r, peak[0])
    record_bytes(args, k, r, offset)
    return rc


# --- report --------------------------------------------------------------------------
def load(path):
    vals = collections.defaultdict(list)
    meta, notes = {}, []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# note: "):
                notes.append(line[8:])
            elif line.startswith("# ") and "=" in line:
                key, _, v = line[2:].partition("=")
                meta[key.strip()] = v.strip()
            elif line and not line.startswith("#"):
                key, _, rest = line.partition(" ")
                run, _, v = rest.partition(" ")
                if run == "prime":
                    continue
                try:
                    vals[key].append(float(v))
                except ValueError:
                    pass
    return vals, meta, notes


def human_bytes(n):
    if n is None:
        return "-"
    for unit, div in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= div:
            return "%.1f %s" % (n / div, unit)
    return "%d B" % n


def human_s(s):
    if s is None:
        return "-"
    return "%.3fs" % s if s < 10 else "%.1fs" % s


def human_kib(k):
    return "-" if k is None else "%.1f MiB" % (k / 1024)


def cmd_report(args):
    vals, meta, notes = load(args.results)

    def med(key):
        v = vals.get(key)
        return statistics.median(v) if v else None

    fmt = {"_s": human_s, "_bytes": human_bytes, "_kib": human_kib}

    def show(key, v):
        for suffix, f in fmt.items():
            if key.endswith(suffix):
                return f(v)
        return "-" if v is None else "%g" % v

    n = int(meta.get("messages", "0") or 0)
    size = ("%dk" % (n // 1000)) if n >= 1000 and n % 1000 == 0 else str(n)
    out = []
    w = out.append
    w("imap-open: %s messages in INBOX; %s run(s) each; medians [min..max]"
      % (meta.get("messages", "?"), meta.get("runs", "?")))
    for m in ("date", "machine", "dovecot", "skua", "neomutt", "aerc",
              "big message"):
        if m in meta:
            w("  %-12s %s" % (m, meta[m]))
    w("")
    w("%-44s %12s  %-25s %s" % ("measurement", "median", "[min..max]", "n"))
    for key in sorted(vals):
        v = vals[key]
        if key.endswith((".rows", ".messages", ".sessions",
                         "_probe_ms", ".fetch_s")):
            continue
        w("%-44s %12s  %-25s %d" % (key, show(key, med(key)),
                                   "[%s..%s]" % (show(key, min(v)),
                                                 show(key, max(v))), len(v)))

    def line(label, items):
        parts = ["%s %s" % (name, s) for name, s in items if s != "-"]
        if parts:
            w("%-28s %s" % (label, "  ".join(parts)))

    w("")
    t = med
    line("cold %s: first screen" % size, [
        ("skua", human_s(t("skua.cold.first_screen_s"))),
        ("neomutt", human_s(t("neomutt.cold.first_screen_s"))),
        ("aerc", human_s(t("aerc.cold.first_screen_s"))),
        ("raw-floor(newest 60)", human_s(t("raw.newest60.complete_s")))])
    line("cold %s: complete" % size, [
        ("skua", human_s(t("skua.cold.complete_s"))),
        ("neomutt", human_s(t("neomutt.cold.first_screen_s"))),
        ("raw-floor(all)", human_s(t("raw.all.complete_s")))])
    line("cold %s: server bytes" % size, [
        ("skua", human_bytes(t("skua.cold.server_out_bytes"))),
        ("neomutt", human_bytes(t("neomutt.cold.server_out_bytes"))),
        ("aerc", human_bytes(t("aerc.cold.server_out_bytes"))),
        ("raw-floor(all)", human_bytes(t("raw.all.server_out_bytes")))])
    line("warm %s: first screen" % size, [
        ("skua", human_s(t("skua.warm.first_screen_s"))),
        ("neomutt-qresync", human_s(t("neomutt.qresync.first_screen_s"))),
        ("aerc-cached", human_s(t("aerc.cached.first_screen_s")))])
    line("warm %s: complete" % size, [
        ("skua", human_s(t("skua.warm.complete_s"))),
        ("neomutt-qresync", human_s(t("neomutt.qresync.first_screen_s")))])
    line("warm %s: server bytes" % size, [
        ("skua", human_bytes(t("skua.warm.server_out_bytes"))),
        ("neomutt-qresync",
         human_bytes(t("neomutt.qresync.server_out_bytes"))),
        ("aerc-cached", human_bytes(t("aerc.cached.server_out_bytes")))])
    nm_msg_bytes = None
    if t("neomutt.bigmsg.server_out_bytes") is not None and \
            t("neomutt.qresync.server_out_bytes") is not None:
        nm_msg_bytes = t("neomutt.bigmsg.server_out_bytes") - \
            t("neomutt.qresync.server_out_bytes")
    line("20MB message: open", [
        ("skua(section 1)", human_s(t("skua.bigmsg.text.time_s"))),
        ("neomutt", human_s(t("neomutt.bigmsg.message_s")))])
    line("20MB message: server bytes", [
        ("skua(section 1)",
         human_bytes(t("skua.bigmsg.text.server_out_bytes"))),
        ("neomutt(session minus warm open)", human_bytes(nm_msg_bytes))])
    line("20MB attachment: save", [
        ("skua(section 2)", human_s(t("skua.bigmsg.attachment.time_s"))),
        ("bytes", human_bytes(
            t("skua.bigmsg.attachment.server_out_bytes")))])
    line("peak RSS (cold open)", [
        ("skua worker", human_kib(t("skua.cold.rss_worker_kib"))),
        ("skua probe", human_kib(t("skua.cold.rss_probe_kib"))),
        ("neomutt", human_kib(t("neomutt.cold.rss_kib"))),
        ("aerc", human_kib(t("aerc.cold.rss_kib")))])
    line("peak RSS (warm reopen)", [
        ("skua worker", human_kib(t("skua.warm.rss_worker_kib"))),
        ("skua probe", human_kib(t("skua.warm.rss_probe_kib"))),
        ("neomutt-qresync", human_kib(t("neomutt.qresync.rss_kib"))),
        ("aerc-cached", human_kib(t("aerc.cached.rss_kib")))])

    w("(neomutt draws its index only once every header is in: its first "
      "screen is its complete.")
    w(" aerc fetches only the headers it shows: it has no complete.)")

    def ratio(a, b):
        a, b = t(a), t(b)
        if a is None or b is None or b == 0:
            return "-"
        return "%.3g" % (a / b)

    w("")
    w("ratios (median / median)")
    rows = [
        ("first screen, cold", [
            ("skua/aerc", ratio("skua.cold.first_screen_s",
                                "aerc.cold.first_screen_s")),
            ("skua/neomutt", ratio("skua.cold.first_screen_s",
                                   "neomutt.cold.first_screen_s"))]),
        ("complete, cold", [
            ("skua/raw-floor", ratio("skua.cold.complete_s",
                                     "raw.all.complete_s")),
            ("skua/neomutt", ratio("skua.cold.complete_s",
                                   "neomutt.cold.first_screen_s"))]),
        ("server bytes, cold", [
            ("skua/raw-floor", ratio("skua.cold.server_out_bytes",
                                     "raw.all.server_out_bytes")),
            ("skua/neomutt", ratio("skua.cold.server_out_bytes",
                                   "neomutt.cold.server_out_bytes"))]),
        ("warm reopen first screen", [
            ("skua/neomutt-qresync", ratio("skua.warm.first_screen_s",
                                           "neomutt.qresync.first_screen_s"))]),
        ("warm reopen complete", [
            ("skua/neomutt-qresync", ratio("skua.warm.complete_s",
                                           "neomutt.qresync.first_screen_s"))]),
        ("warm reopen server bytes", [
            ("skua", human_bytes(t("skua.warm.server_out_bytes"))),
            ("skua/neomutt-qresync", ratio(
                "skua.warm.server_out_bytes",
                "neomutt.qresync.server_out_bytes"))]),
        ("20MB message bytes", [
            ("skua", human_bytes(t("skua.bigmsg.text.server_out_bytes"))),
            ("message size", human_bytes(float(meta["big size"]))
             if meta.get("big size") else "-"),
            ("skua/neomutt", "%.3g" % (
                t("skua.bigmsg.text.server_out_bytes") / nm_msg_bytes)
             if nm_msg_bytes and t("skua.bigmsg.text.server_out_bytes")
             is not None else "-")]),
        ("peak RSS, cold", [
            ("skua worker+probe", human_kib(
                (t("skua.cold.rss_worker_kib") or 0) +
                (t("skua.cold.rss_probe_kib") or 0))
             if t("skua.cold.rss_worker_kib") else "-"),
            ("skua worker/neomutt", ratio("skua.cold.rss_worker_kib",
                                          "neomutt.cold.rss_kib")),
            ("skua worker/aerc", ratio("skua.cold.rss_worker_kib",
                                       "aerc.cold.rss_kib"))]),
    ]
    for label, items in rows:
        line("  " + label, items)
    if notes:
        w("")
        w("notes")
        for s in notes:
            w("  " + s)
    print("\n".join(out))


# --- main ----------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="sub", required=True)

    def common(p, login=False):
        p.add_argument("--record", required=True)
        p.add_argument("--log", required=True)
        p.add_argument("--key", required=True)
        p.add_argument("--run", default="1")
        if login:
            p.add_argument("--port", type=int, required=True)
            p.add_argument("--ca", required=True)
            p.add_argument("--user", required=True)
            p.add_argument("--password", required=True)

    p = sub.add_parser("info")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--ca", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)

    p = sub.add_parser("skua-open")
    common(p)
    p.add_argument("--probe", required=True)
    p.add_argument("--conf", required=True)
    p.add_argument("--account", default="mail")
    p.add_argument("--folder", default="INBOX")
    p.add_argument("--save-output")

    p = sub.add_parser("raw")
    common(p, login=True)
    p.add_argument("--script", required=True)
    p.add_argument("--last", type=int, default=0)
    p.add_argument("--warmup", action="store_true")

    p = sub.add_parser("fetch")
    common(p, login=True)
    p.add_argument("--probe", required=True)
    p.add_argument("--uid", type=int, required=True)
    p.add_argument("--section", required=True)
    p.add_argument("--total", type=int, default=0)
    p.add_argument("--cache-dir", required=True)

    p = sub.add_parser("tui")
    common(p)
    p.add_argument("--needle", required=True)
    p.add_argument("--env", action="append", default=[],
                   help="NAME=value for the client's environment")
    p.add_argument("--timeout", type=float, default=900)
    p.add_argument("--quit-keys", action="append", default=[],
                   help="tmux send-keys arguments, one step each")
    p.add_argument("--limit-keys", nargs=2,
                   help="a key and a literal text (+Enter) that select "
                   "the message to open")
    p.add_argument("--limit-needle")
    p.add_argument("--body-needle")
    p.add_argument("--screen-dump")
    p.add_argument("cmd", nargs="+", help="the client and its arguments")

    p = sub.add_parser("report")
    p.add_argument("results")

    args = ap.parse_args()
    fn = {"info": cmd_info, "skua-open": cmd_skua_open, "raw": cmd_raw,
          "fetch": cmd_fetch, "tui": cmd_tui, "report": cmd_report}[args.sub]
    sys.exit(fn(args) or 0)


if __name__ == "__main__":
    main()
