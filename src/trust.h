/* trust: certificates the user chose to trust always (like mutt's
 * certificate_file): "host:port sha256:<hex>" lines in a private file.
 * Worker process only. */
#ifndef SKUA_TRUST_H
#define SKUA_TRUST_H

/* The fingerprints trusted for host:port, NULL-terminated (NULL if none or
 * no file). Free with trust_free. */
char	**trust_load(const char *path, const char *host, int port);
void	  trust_free(char **);
/* Append one; 0 on success, -1 with *error (caller frees). */
int	  trust_add(const char *path, const char *host, int port,
	      const char *fingerprint, char **error);

#endif
