/* net-tls: OpenSSL client sessions. The handshake runs without OpenSSL's
 * own verification; the chain, name and dates are then checked explicitly
 * so the caller learns exactly why a certificate is refused. */
#include "auto-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "intl.h"
#include "log.h"
#include "net-tls.h"
#include "xmalloc.h"

struct net_tls {
	SSL_CTX	*ctx;
	SSL	*ssl;
};

static char *
net_tls_openssl_error(const char *what)
{
	unsigned long	e = ERR_get_error();
	char		buf[256];

	if (e == 0)
		return xasprintf(_("%s failed"), what);
	ERR_error_string_n(e, buf, sizeof buf);
	ERR_clear_error();
	return xasprintf("%s: %s", what, buf);
}

static char *
net_tls_fingerprint(X509 *cert)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	len = 0, i;
	char		hex[2 * EVP_MAX_MD_SIZE + 1];

	if (!X509_digest(cert, EVP_sha256(), md, &len))
		return NULL;
	for (i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return xasprintf("sha256:%s", hex);
}

static char *
net_tls_name(X509_NAME *name)
{
	char	buf[512];

	X509_NAME_oneline(name, buf, sizeof buf);
	return xstrdup(buf);
}

static char *
net_tls_time(const ASN1_TIME *t)
{
	BIO	*bio = BIO_new(BIO_s_mem());
	char	*p, *s;
	long	 len;

	ASN1_TIME_print(bio, t);
	len = BIO_get_mem_data(bio, &p);
	s = xstrndup(p, (size_t)len);
	BIO_free(bio);
	return s;
}

void
net_tls_peer_clear(struct net_tls_peer *peer)
{
	free(peer->fingerprint);
	free(peer->subject);
	free(peer->issuer);
	free(peer->not_before);
	free(peer->not_after);
	free(peer->problem);
	memset(peer, 0, sizeof *peer);
}

void
net_tls_free(struct net_tls *tls)
{
	if (tls == NULL)
		return;
	if (tls->ssl != NULL)
		SSL_free(tls->ssl);
	if (tls->ctx != NULL)
		SSL_CTX_free(tls->ctx);
	free(tls);
}

/* Drive the handshake on a non-blocking socket, waiting with net_wait so a
 * stalled server or a cancel cannot hold the worker. */
static enum net_status
net_tls_handshake(struct net_tls *tls, int fd,
    const struct net_tls_config *config, char **error)
{
	enum net_status	status;
	int		flags, rc, err;

	flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	for (;;) {
		ERR_clear_error();
		if ((rc = SSL_connect(tls->ssl)) == 1)
			break;
		err = SSL_get_error(tls->ssl, rc);
		if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
			fcntl(fd, F_SETFL, flags);
			if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
				*error = xasprintf(_("%s: the server closed "
				    "the connection during the TLS handshake"),
				    config->host);
			else {
				char *e = net_tls_openssl_error(
				    _("TLS handshake"));
				*error = xasprintf("%s: %s", config->host, e);
				free(e);
			}
			return NET_ERROR_TLS;
		}
		status = net_wait(fd, err == SSL_ERROR_WANT_WRITE,
		    config->timeout_ms, config->interrupt_fd);
		if (status != NET_OK) {
			fcntl(fd, F_SETFL, flags);
			*error = xasprintf(status == NET_ERROR_TIMEOUT ?
			    _("%s: the TLS handshake timed out") :
			    status == NET_ERROR_CANCELLED ?
			    _("%s: the TLS handshake was cancelled") :
			    _("%s: the TLS handshake failed"), config->host);
			return status;
		}
	}
	fcntl(fd, F_SETFL, flags);
	return NET_OK;
}

/* Verify the chain, the dates and the host name; NULL if all is well, else
 * why not, for a person. */
static char *
net_tls_verify(struct net_tls *tls, X509 *leaf, const char *host)
{
	X509_STORE_CTX		*sctx;
	X509_VERIFY_PARAM	*param;
	char			*problem = NULL;
	int			 err;

	if ((sctx = X509_STORE_CTX_new()) == NULL)
		fatal("out of memory");
	if (!X509_STORE_CTX_init(sctx, SSL_CTX_get_cert_store(tls->ctx), leaf,
	    SSL_get_peer_cert_chain(tls->ssl))) {
		X509_STORE_CTX_free(sctx);
		return xstrdup(_("could not check the certificate"));
	}
	X509_STORE_CTX_set_default(sctx, "ssl_server");
	param = X509_STORE_CTX_get0_param(sctx);
	/* X509_check_host() fails for IP literals: check those as IPs. */
	if (net_is_ip_literal(host))
		X509_VERIFY_PARAM_set1_ip_asc(param, host);
	else {
		X509_VERIFY_PARAM_set_hostflags(param,
		    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		X509_VERIFY_PARAM_set1_host(param, host, 0);
	}
	if (X509_verify_cert(sctx) != 1) {
		err = X509_STORE_CTX_get_error(sctx);
		switch (err) {
		case X509_V_ERR_HOSTNAME_MISMATCH:
		case X509_V_ERR_IP_ADDRESS_MISMATCH:
			problem = xasprintf(_("the certificate is not valid "
			    "for %s"), host);
			break;
		case X509_V_ERR_CERT_HAS_EXPIRED:
			problem = xstrdup(_("the certificate has expired"));
			break;
		case X509_V_ERR_CERT_NOT_YET_VALID:
			problem = xstrdup(
			    _("the certificate is not valid yet"));
			break;
		case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
		case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
		case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
			problem = xasprintf(_("the certificate is not signed "
			    "by a trusted authority (%s)"),
			    X509_verify_cert_error_string(err));
			break;
		default:
			problem = xasprintf(
			    _("the certificate is not valid: %s"),
			    X509_verify_cert_error_string(err));
			break;
		}
	}
	X509_STORE_CTX_free(sctx);
	return problem;
}

static int
net_tls_pin_matches(const char *pin, const char *fingerprint)
{
	return pin != NULL && strcasecmp(pin, fingerprint) == 0;
}

enum net_status
net_tls_start(int fd, const struct net_tls_config *config,
    struct net_tls **out, struct net_tls_peer *peer, char **error)
{
	struct net_tls	*tls;
	enum net_status	 status;
	X509		*leaf = NULL;
	size_t		 i;
	char		*e;

	*out = NULL;
	memset(peer, 0, sizeof *peer);
	tls = xcalloc(1, sizeof *tls);
	if ((tls->ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		*error = net_tls_openssl_error("SSL_CTX_new");
		status = NET_ERROR_TLS;
		goto fail;
	}
	SSL_CTX_set_min_proto_version(tls->ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(tls->ctx, SSL_VERIFY_NONE, NULL);
	if (config->ca_file != NULL) {
		if (!SSL_CTX_load_verify_locations(tls->ctx, config->ca_file,
		    NULL)) {
			e = net_tls_openssl_error(_("loading the CA file"));
			*error = xasprintf("%s: %s", config->ca_file, e);
			free(e);
			status = NET_ERROR_TLS;
			goto fail;
		}
	} else
		SSL_CTX_set_default_verify_paths(tls->ctx);
	if ((tls->ssl = SSL_new(tls->ctx)) == NULL ||
	    !SSL_set_fd(tls->ssl, fd)) {
		*error = net_tls_openssl_error("SSL_new");
		status = NET_ERROR_TLS;
		goto fail;
	}
	if (!net_is_ip_literal(config->host))
		SSL_set_tlsext_host_name(tls->ssl, config->host);

	if ((status = net_tls_handshake(tls, fd, config, error)) != NET_OK)
		goto fail;

	if ((leaf = SSL_get1_peer_certificate(tls->ssl)) == NULL) {
		*error = xasprintf(_("%s: the server sent no certificate"),
		    config->host);
		status = NET_ERROR_CERTIFICATE;
		goto fail;
	}
	peer->fingerprint = net_tls_fingerprint(leaf);
	peer->subject = net_tls_name(X509_get_subject_name(leaf));
	peer->issuer = net_tls_name(X509_get_issuer_name(leaf));
	peer->not_before = net_tls_time(X509_get0_notBefore(leaf));
	peer->not_after = net_tls_time(X509_get0_notAfter(leaf));
	if (peer->fingerprint == NULL) {
		*error = xstrdup(
		    _("could not compute the certificate's digest"));
		status = NET_ERROR_TLS;
		goto fail;
	}

	/* A pin decides alone: it is the user's statement of trust. */
	if (config->fingerprint != NULL) {
		if (!net_tls_pin_matches(config->fingerprint,
		    peer->fingerprint)) {
			*error = xasprintf(_("%s: the certificate (%s) is not "
			    "the pinned one (%s); refusing to continue"),
			    config->host, peer->fingerprint,
			    config->fingerprint);
			status = NET_ERROR_PIN;
			goto fail;
		}
		log_debug("%s: %s matches the pin", __func__, config->host);
		goto trusted;
	}
	peer->problem = net_tls_verify(tls, leaf, config->host);
	if (peer->problem == NULL)
		goto trusted;
	for (i = 0; config->trusted != NULL && config->trusted[i] != NULL;
	    i++) {
		if (net_tls_pin_matches(config->trusted[i], peer->fingerprint)) {
			log_info("%s: %s: %s, but the user trusts %s",
			    __func__, config->host, peer->problem,
			    peer->fingerprint);
			free(peer->problem);
			peer->problem = NULL;
			goto trusted;
		}
	}
	*error = xasprintf("%s: %s", config->host, peer->problem);
	X509_free(leaf);
	*out = tls;
	return NET_ERROR_CERTIFICATE;

trusted:
	X509_free(leaf);
	log_debug("%s: %s: %s, %s", __func__, config->host,
	    SSL_get_version(tls->ssl), SSL_get_cipher_name(tls->ssl));
	*out = tls;
	return NET_OK;

fail:
	X509_free(leaf);
	net_tls_free(tls);
	return status;
}

int
net_tls_pending(struct net_tls *tls)
{
	return SSL_pending(tls->ssl) > 0;
}

ssize_t
net_tls_read(struct net_tls *tls, void *buf, size_t len)
{
	int	n, err;

	ERR_clear_error();
	if ((n = SSL_read(tls->ssl, buf, len > INT32_MAX ? INT32_MAX :
	    (int)len)) > 0)
		return n;
	err = SSL_get_error(tls->ssl, n);
	if (err == SSL_ERROR_ZERO_RETURN)
		return 0;
	if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
		errno = EAGAIN;
	return -1;
}

ssize_t
net_tls_write(struct net_tls *tls, const void *buf, size_t len)
{
	int	n;

	ERR_clear_error();
	if ((n = SSL_write(tls->ssl, buf, len > INT32_MAX ? INT32_MAX :
	    (int)len)) > 0)
		return n;
	return -1;
}

char *
net_tls_file_fingerprint(const char *path)
{
	FILE	*f;
	X509	*cert;
	char	*fp;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (cert == NULL)
		return NULL;
	fp = net_tls_fingerprint(cert);
	X509_free(cert);
	return fp;
}
