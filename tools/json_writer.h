/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer, after bpftool's json_writer: the caller
 * opens objects and arrays, names members and writes values; the writer
 * puts in the separators, the indentation and the string escapes.
 *
 * A container is written one member a line, indented two spaces a level
 * (jsonw_start_object/array), or all on the line it opens on, members
 * separated by ", " (jsonw_start_object/array_inline).  A container
 * opened inside an inline one is inline too.  A document ends with a
 * newline (jsonw_finish).
 */
#ifndef TAILGUARD_JSON_WRITER_H
#define TAILGUARD_JSON_WRITER_H

#include <stdbool.h>
#include <stdio.h>

#define JSONW_MAX_DEPTH 16

struct json_writer {
	FILE *out;
	int depth;		/* open containers */
	bool named;		/* a member name was written, its value is next */
	struct {
		bool inline_;	/* all members on one line */
		int count;	/* members (or elements) written so far */
	} level[JSONW_MAX_DEPTH];
};

void jsonw_init(struct json_writer *w, FILE *out);
/* after the top-level value: the newline that ends the document */
void jsonw_finish(struct json_writer *w);

void jsonw_start_object(struct json_writer *w);
void jsonw_start_object_inline(struct json_writer *w);
void jsonw_end_object(struct json_writer *w);
void jsonw_start_array(struct json_writer *w);
void jsonw_start_array_inline(struct json_writer *w);
void jsonw_end_array(struct json_writer *w);

/* the name of the next member of the current object */
void jsonw_name(struct json_writer *w, const char *name);

/* values: an array element, or the value of the member just named */
void jsonw_string(struct json_writer *w, const char *s);	/* NULL: null */
void jsonw_int(struct json_writer *w, long long v);
void jsonw_bool(struct json_writer *w, bool v);
void jsonw_null(struct json_writer *w);

/* a member: name and value */
void jsonw_string_field(struct json_writer *w, const char *name, const char *s);
void jsonw_int_field(struct json_writer *w, const char *name, long long v);
void jsonw_bool_field(struct json_writer *w, const char *name, bool v);
void jsonw_null_field(struct json_writer *w, const char *name);

#endif
