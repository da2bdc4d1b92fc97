// SPDX-License-Identifier: GPL-2.0
/*
 * tailguard CLI: a small streaming JSON writer (json_writer.h), after
 * bpftool's json_writer.c.
 */
#include <assert.h>
#include <stdio.h>

#include "json_writer.h"

void jsonw_init(struct json_writer *w, FILE *out)
{
	w->out = out;
	w->depth = 0;
	w->named = false;
}

void jsonw_finish(struct json_writer *w)
{
	assert(!w->depth && !w->named);
	putc('\n', w->out);
}

static void jsonw_indent(struct json_writer *w, int depth)
{
	putc('\n', w->out);
	for (int i = 0; i < depth; i++)
		fputs("  ", w->out);
}

/* what goes before a value or a member name: separator, newline, indent */
static void jsonw_sep(struct json_writer *w)
{
	if (w->named) {
		w->named = false;
		return;
	}
	if (!w->depth)
		return;
	if (w->level[w->depth - 1].count++)
		putc(',', w->out);
	if (!w->level[w->depth - 1].inline_)
		jsonw_indent(w, w->depth);
	else if (w->level[w->depth - 1].count > 1)
		putc(' ', w->out);
}

/*
 * A JSON string: quote and backslash escaped, newline as \n, the other
 * control characters as \u00XX; every other byte (UTF-8 included) as is.
 */
static void jsonw_puts(struct json_writer *w, const char *s)
{
	putc('"', w->out);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(w->out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", w->out);
		else if (c < 0x20)
			fprintf(w->out, "\\u%04x", c);
		else
			putc(c, w->out);
	}
	putc('"', w->out);
}

static void jsonw_open(struct json_writer *w, int c, bool inline_)
{
	jsonw_sep(w);
	assert(w->depth < JSONW_MAX_DEPTH);
	if (w->depth && w->level[w->depth - 1].inline_)
		inline_ = true;
	w->level[w->depth].inline_ = inline_;
	w->level[w->depth].count = 0;
	w->depth++;
	putc(c, w->out);
}

static void jsonw_close(struct json_writer *w, int c)
{
	assert(w->depth > 0 && !w->named);
	w->depth--;
	if (!w->level[w->depth].inline_)
		jsonw_indent(w, w->depth);
	putc(c, w->out);
}

void jsonw_start_object(struct json_writer *w)
{
	jsonw_open(w, '{', false);
}

void jsonw_start_object_inline(struct json_writer *w)
{
	jsonw_open(w, '{', true);
}

void jsonw_end_object(struct json_writer *w)
{
	jsonw_close(w, '}');
}

void jsonw_start_array(struct json_writer *w)
{
	jsonw_open(w, '[', false);
}

void jsonw_start_array_inline(struct json_writer *w)
{
	jsonw_open(w, '[', true);
}

void jsonw_end_array(struct json_writer *w)
{
	jsonw_close(w, ']');
}

void jsonw_name(struct json_writer *w, const char *name)
{
	assert(w->depth > 0 && !w->named);
	jsonw_sep(w);
	jsonw_puts(w, name);
	fputs(": ", w->out);
	w->named = true;
}

void jsonw_string(struct json_writer *w, const char *s)
{
	if (!s) {
		jsonw_null(w);
		return;
	}
	jsonw_sep(w);
	jsonw_puts(w, s);
}

void jsonw_int(struct json_writer *w, long long v)
{
	jsonw_sep(w);
	fprintf(w->out, "%lld", v);
}

void jsonw_bool(struct json_writer *w, bool v)
{
	jsonw_sep(w);
	fputs(v ? "true" : "false", w->out);
}

void jsonw_null(struct json_writer *w)
{
	jsonw_sep(w);
	fputs("null", w->out);
}

void jsonw_string_field(struct json_writer *w, const char *name, const char *s)
{
	jsonw_name(w, name);
	jsonw_string(w, s);
}

void jsonw_int_field(struct json_writer *w, const char *name, long long v)
{
	jsonw_name(w, name);
	jsonw_int(w, v);
}

void jsonw_bool_field(struct json_writer *w, const char *name, bool v)
{
	jsonw_name(w, name);
	jsonw_bool(w, v);
}

void jsonw_null_field(struct json_writer *w, const char *name)
{
	jsonw_name(w, name);
	jsonw_null(w);
}
