/*
 * config_md5: the TCP-MD5 key (RFC 2385) from md5-password or md5-key-file.
 *
 * The guide's -SharedKey is "a 16-byte hash value represented as a 32
 * digit hexadecimal number": md5-password turns a passphrase into exactly
 * that (lowercase hex of MD5(password)), which `cebgpd --md5-key` prints for
 * the operator to paste on the provider side. The 32-character string is
 * the key on both ends, used as ASCII, never hex-decoded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "config_int.h"
#include "profile.h"

bool
config_md5_key_valid(const char *key)
{
	size_t i;

	for (i = 0; key[i] != '\0'; i++) {
		char ch = key[i];
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
		      (ch >= 'A' && ch <= 'F')))
			return false;
	}
	return i == 32;
}

bool
config_md5_password(const char *password, char out[CONFIG_MD5_KEYSIZ])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (!EVP_Digest(password, strlen(password), md, &mdlen, EVP_md5(), NULL) || mdlen != 16)
		return false;
	for (unsigned i = 0; i < 16; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[32] = '\0';
	explicit_bzero(md, sizeof(md));
	return true;
}

/*
 * Like ssh with a private key: the file must be a regular file owned by
 * the user reading it (or root) and neither readable nor writable by group
 * or others. The key is the first line.
 */
bool
cfg_read_key_file(struct cfg_ctx *c, struct config_pos pos, const char *path,
                  const struct profile *p, char key[CONFIG_MD5_KEYSIZ])
{
	char buf[128], msg[300];
	struct stat st;
	ssize_t n;
	size_t len;
	int fd;
	bool ok = false;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		cfg_err(c, pos, "md5-key-file: cannot open %s: %s", path, strerror(errno));
		return false;
	}
	if (fstat(fd, &st) < 0) {
		cfg_err(c, pos, "md5-key-file: cannot stat %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		cfg_err(c, pos, "md5-key-file: %s is not a regular file", path);
		goto out;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		cfg_err(c, pos,
		        "md5-key-file: %s is owned by uid %u, not by the user reading it (uid "
		        "%u) or root",
		        path, (unsigned)st.st_uid, (unsigned)geteuid());
		goto out;
	}
	if (st.st_mode & 077) {
		cfg_err(c, pos,
		        "md5-key-file: %s is accessible by group or others (mode %04o); the key "
		        "is a secret: chmod 600 it, as ssh requires of a private key",
		        path, (unsigned)(st.st_mode & 07777));
		goto out;
	}
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		cfg_err(c, pos, "md5-key-file: cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	buf[n] = '\0';
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	if (len == 0 || len >= CONFIG_MD5_KEYSIZ) {
		cfg_err(c, pos,
		        "md5-key-file: the first line of %s is %s; a TCP-MD5 key is 1..80 "
		        "characters",
		        path, len ? "longer than 80 characters" : "empty");
		goto out;
	}
	if (!profile_key_ok(p, buf, msg, sizeof(msg))) {
		cfg_err(c, pos, "md5-key-file: the first line of %s: %s", path, msg);
		goto out;
	}
	memcpy(key, buf, len + 1);
	ok = true;
out:
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return ok;
}
