/* A growable byte buffer, for the plan writer and JSON output. */
#ifndef BATON_STRBUF_H
#define BATON_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *data; /* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
};

void strbuf_add(struct strbuf *sb, const char *s, size_t n);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append s as a JSON string literal, quotes included. */
void strbuf_json_string(struct strbuf *sb, const char *s);
void strbuf_release(struct strbuf *sb);

static inline void cleanup_strbuf(struct strbuf *sb)
{
	strbuf_release(sb);
}
#define autostrbuf __attribute__((cleanup(cleanup_strbuf)))

#endif
