/* Force-included when compiling sqlite3.c for wasm32-wasi (see build.sh).
 *
 * wasi-libc (Debian 0.0~git20220510) has no fchmod, fchown, geteuid and no
 * POSIX record locks (F_GETLK/F_SETLK/F_SETLKW). A sandboxed guest is a single
 * process, so advisory locks are no-ops here and ownership/mode changes are
 * silently accepted. Do not share a database file between concurrently
 * running guests. */
#ifndef SRT_SQLITE_WASI_STUBS_H
#define SRT_SQLITE_WASI_STUBS_H
#include <sys/types.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fcntl.h>
#include <stdarg.h>

#ifndef F_GETLK
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#endif
#ifndef F_RDLCK
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#endif

static int srt_fchmod(int fd, mode_t mode) { (void)fd; (void)mode; return 0; }
static int srt_fchown(int fd, uid_t u, gid_t g) { (void)fd; (void)u; (void)g; return 0; }
static uid_t srt_geteuid(void) { return 0; }
static int srt_fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    if (cmd == F_GETLK) {
        struct flock *l = va_arg(ap, struct flock *);
        va_end(ap);
        l->l_type = F_UNLCK;
        return 0;
    }
    if (cmd == F_SETLK || cmd == F_SETLKW) {
        va_end(ap);
        return 0;
    }
    int arg = va_arg(ap, int);
    va_end(ap);
    return fcntl(fd, cmd, arg);
}
#define fchmod srt_fchmod
#define fchown srt_fchown
#define geteuid srt_geteuid
#define fcntl srt_fcntl
#endif
