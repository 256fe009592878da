#include "outbuf.h"

#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void ob_init(outbuf *ob) { memset(ob, 0, sizeof *ob); }

void ob_free(outbuf *ob)
{
    free(ob->data);
    ob_init(ob);
}

static int ob_reserve(outbuf *ob, size_t extra)
{
    if (ob->failed) return -1;
    if (ob->len + extra + 1 <= ob->cap) return 0;
    size_t cap = ob->cap ? ob->cap : 4096;
    while (cap < ob->len + extra + 1) cap *= 2;
    char *p = realloc(ob->data, cap);
    if (!p) {
        ob->failed = 1;
        return -1;
    }
    ob->data = p;
    ob->cap = cap;
    return 0;
}

void ob_write(outbuf *ob, const char *s, size_t n)
{
    if (ob_reserve(ob, n) != 0) return;
    memcpy(ob->data + ob->len, s, n);
    ob->len += n;
    ob->data[ob->len] = '\0';
}

void ob_putc(outbuf *ob, char c) { ob_write(ob, &c, 1); }

void ob_puts(outbuf *ob, const char *s) { ob_write(ob, s, strlen(s)); }

void ob_printf(outbuf *ob, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        ob->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        ob_write(ob, small, (size_t)n);
        return;
    }
    if (ob_reserve(ob, (size_t)n) != 0) return;
    va_start(ap, fmt);
    vsnprintf(ob->data + ob->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    ob->len += (size_t)n;
}

int ob_emit(const outbuf *ob, FILE *f, const char *what)
{
    if (ob->failed) {
        tool_error("out of memory while formatting %s", what);
        return -1;
    }
    errno = 0;
    if ((ob->len && fwrite(ob->data, 1, ob->len, f) != ob->len) || fflush(f) != 0) {
        tool_error("cannot write %s: %s", what, errno ? strerror(errno) : "write error");
        return -1;
    }
    return 0;
}

/* Writes to something that is not a regular file (/dev/stdout, a FIFO)
 * in place: renaming over it would replace the device or pipe. */
static int save_in_place(const outbuf *ob, const char *path, const char *what)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        tool_error("%s: cannot open %s: %s", path, what, strerror(errno));
        return -1;
    }
    char named[4200];
    snprintf(named, sizeof named, "%s %s", what, path);
    int rc = ob_emit(ob, f, named);
    if (fclose(f) != 0 && rc == 0) {
        tool_error("%s: cannot write %s: %s", path, what, strerror(errno));
        rc = -1;
    }
    return rc;
}

int ob_save(const outbuf *ob, const char *path_arg, const char *what)
{
    if (ob->failed) {
        tool_error("out of memory while formatting %s", what);
        return -1;
    }
    /* A symbolic link: replace the file it names, not the link. */
    char resolved[4096];
    const char *path = path_arg;
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && realpath(path_arg, resolved)) path = resolved;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) return save_in_place(ob, path, what);
    /* A temporary file beside the target, renamed over it only once it is
     * complete: a full disk or a file size limit leaves the old file as it
     * was (issue 17), and rename() within a directory is atomic. */
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp) {
        tool_error("%s: cannot write %s: %s", path, what, strerror(ENOMEM));
        return -1;
    }
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    snprintf(tmp, n + 16, "%.*s.%s.XXXXXX", (int)dirlen, path, path + dirlen);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        tool_error("%s: cannot create %s: %s", path, what, strerror(errno));
        free(tmp);
        return -1;
    }
    /* mkstemp makes the file 0600; give it the mode a plain creation would. */
    mode_t mask = umask(0);
    umask(mask);
    int err = fchmod(fd, 0666 & ~mask) != 0 ? errno : 0;
    for (size_t done = 0; !err && done < ob->len;) {
        ssize_t w = write(fd, ob->data + done, ob->len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) err = w < 0 ? errno : EIO;
        else done += (size_t)w;
    }
    if (!err && fsync(fd) != 0 && errno != EINVAL) err = errno;
    if (close(fd) != 0 && !err) err = errno;
    if (!err && rename(tmp, path) != 0) err = errno;
    if (err) {
        tool_error("%s: cannot write %s: %s (the file is left as it was)", path, what,
                   strerror(err));
        unlink(tmp);
    }
    free(tmp);
    return err ? -1 : 0;
}
