/* Small portable helpers shared by every module. */
#ifndef CEBGP_COMPILER_H
#define CEBGP_COMPILER_H

#define ARRAY_SIZE(a)     (sizeof(a) / sizeof((a)[0]))
#define likely(x)         __builtin_expect(!!(x), 1)
#define unlikely(x)       __builtin_expect(!!(x), 0)
#define MIN(a, b)         ((a) < (b) ? (a) : (b))
#define MAX(a, b)         ((a) > (b) ? (a) : (b))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define WARN_UNUSED       __attribute__((warn_unused_result))

#endif
