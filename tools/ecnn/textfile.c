/* The tool's input files: docs/cli.md, "Input files". Why a whole-file
 * read and not getline(): getline() reports running out of memory as the
 * end of the file (issue 17), and a size cap has to hold before the first
 * allocation, which needs the file's size, hence a regular file. */
#include "textfile.h"

#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind_of(mode_t mode)
{
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

size_t tf_utf8_len(const unsigned char *p, size_t n)
{
    if (p[0] < 0x80) return 1;
    size_t len;
    unsigned lo = 0x80, hi = 0xBF;
    if (p[0] >= 0xC2 && p[0] <= 0xDF) len = 2;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        len = 3;
        if (p[0] == 0xE0) lo = 0xA0;
        if (p[0] == 0xED) hi = 0x9F;
    } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        len = 4;
        if (p[0] == 0xF0) lo = 0x90;
        if (p[0] == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (n < len || p[1] < lo || p[1] > hi) return 0;
    for (size_t i = 2; i < len; i++)
        if (p[i] < 0x80 || p[i] > 0xBF) return 0;
    return len;
}

/* A line's length is checked at its end, after its characters: a line
 * that is both too long and holds a NUL byte is refused for the NUL. */
static int long_line(const char *path, int line, size_t bytes)
{
    if (bytes <= TF_MAX_LINE) return 0;
    tool_error("%s:%d: line of %zu bytes, longer than the %d a line of an input file may have",
               path, line, bytes, TF_MAX_LINE);
    return -1;
}

int tf_check(const char *path, const char *data, size_t len)
{
    const unsigned char *p = (const unsigned char *)data;
    int line = 1;
    size_t start = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = p[i];
        if (c == '\n' || c == '\r') {
            if (long_line(path, line, i - start) != 0) return -1;
            i += (c == '\r' && i + 1 < len && p[i + 1] == '\n') ? 2 : 1;
            line++;
            start = i;
            continue;
        }
        if (c == 0) {
            tool_error("%s:%d: a NUL byte: not a text file", path, line);
            return -1;
        }
        if ((c < 0x20 && c != '\t') || c == 0x7F) {
            tool_error("%s:%d: control character 0x%02X: not a text file", path, line, c);
            return -1;
        }
        size_t n = tf_utf8_len(p + i, len - i);
        if (!n) {
            tool_error("%s:%d: byte 0x%02X is not UTF-8 text", path, line, c);
            return -1;
        }
        i += n;
    }
    return long_line(path, line, len - start);
}

int tf_open(textfile *tf, const char *path)
{
    memset(tf, 0, sizeof *tf);
    tf->path = path;
    /* O_NONBLOCK: opening a FIFO for reading would wait for a writer. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        tool_error("%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        tool_error("%s: cannot read: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        tool_error("%s: %s, not a regular file: the tool reads regular files only", path,
                   kind_of(st.st_mode));
        close(fd);
        return -1;
    }
    if ((uintmax_t)st.st_size > TF_MAX_BYTES) {
        tool_error("%s: %jd bytes, more than the %zu (16 MiB) an input file may have", path,
                   (intmax_t)st.st_size, TF_MAX_BYTES);
        close(fd);
        return -1;
    }
    /* One byte more than the limit, to see a file that grew past it. */
    size_t cap = (size_t)st.st_size + 2;
    char *data = malloc(cap);
    if (!data) {
        tool_error("%s: cannot read: %s", path, strerror(ENOMEM));
        close(fd);
        return -1;
    }
    size_t len = 0;
    for (;;) {
        if (len + 1 == cap) {
            if (cap > TF_MAX_BYTES) {
                tool_error("%s: more than the %zu bytes (16 MiB) an input file may have", path,
                           TF_MAX_BYTES);
                goto fail;
            }
            size_t ncap = cap * 2 > TF_MAX_BYTES + 2 ? TF_MAX_BYTES + 2 : cap * 2;
            char *p = realloc(data, ncap);
            if (!p) {
                tool_error("%s: cannot read: %s", path, strerror(ENOMEM));
                goto fail;
            }
            data = p;
            cap = ncap;
        }
        ssize_t n = read(fd, data + len, cap - 1 - len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            tool_error("%s: cannot read: %s", path, strerror(errno));
            goto fail;
        }
        if (n == 0) break;
        len += (size_t)n;
    }
    close(fd);
    data[len] = '\0';
    return tf_adopt(tf, path, data, len);
fail:
    free(data);
    close(fd);
    return -1;
}

int tf_adopt(textfile *tf, const char *path, char *data, size_t len)
{
    memset(tf, 0, sizeof *tf);
    tf->path = path;
    size_t skip = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    if (tf_check(path, data + skip, len - skip) != 0) {
        free(data);
        return -1;
    }
    tf->data = data;
    tf->pos = skip;
    tf->len = len;
    return 0;
}

int tf_line(textfile *tf, char **line)
{
    if (tf->pos >= tf->len) return 0;
    char *s = tf->data + tf->pos;
    size_t n = strcspn(s, "\r\n");
    tf->pos += n;
    if (tf->pos < tf->len) {
        int crlf = s[n] == '\r' && s[n + 1] == '\n';
        s[n] = '\0';
        tf->pos += crlf ? 2 : 1;
    }
    tf->lineno++;
    *line = s;
    return 1;
}

void tf_close(textfile *tf)
{
    free(tf->data);
    tf->data = NULL;
}
