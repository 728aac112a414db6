/* jd-json-syntax.h — where a JSON text (a job document) stops being JSON,
 * and what was expected there, for messages such as "line 3, column 12:
 * expected ',' or '}'". Strict RFC 8259, as AWS parses job documents.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  JD_JSON_SYNTAX_OK,
  JD_JSON_SYNTAX_EMPTY,                  /* nothing but white space */
  JD_JSON_SYNTAX_EXPECTED_VALUE,         /* a value was due */
  JD_JSON_SYNTAX_EXPECTED_NAME,          /* a member name in double quotes was due */
  JD_JSON_SYNTAX_EXPECTED_COLON,         /* ':' after a member name */
  JD_JSON_SYNTAX_EXPECTED_OBJECT_END,    /* ',' or '}' */
  JD_JSON_SYNTAX_EXPECTED_ARRAY_END,     /* ',' or ']' */
  JD_JSON_SYNTAX_TRAILING_COMMA,         /* ',' right before '}' or ']' */
  JD_JSON_SYNTAX_UNTERMINATED_STRING,
  JD_JSON_SYNTAX_INVALID_ESCAPE,
  JD_JSON_SYNTAX_CONTROL_CHARACTER,      /* a raw control character in a string */
  JD_JSON_SYNTAX_INVALID_NUMBER,
  JD_JSON_SYNTAX_INVALID_LITERAL,        /* not true, false or null */
  JD_JSON_SYNTAX_TRAILING_TEXT,          /* more after the value */
  JD_JSON_SYNTAX_TOO_DEEP,
  JD_JSON_SYNTAX_INVALID_UTF8,
} JdJsonSyntaxProblem;

typedef struct {
  JdJsonSyntaxProblem problem;
  guint               line;     /* 1-based */
  guint               column;   /* 1-based, in characters */
  gsize               offset;   /* in bytes */
} JdJsonSyntaxError;

/* Nesting deeper than this is refused (and never overflows the stack). */
#define JD_JSON_SYNTAX_MAX_DEPTH 256

/* Returns TRUE for valid JSON; otherwise fills @error with the first
 * problem and where it is. */
gboolean jd_json_syntax_check (const char        *text,
                               gssize             length,
                               JdJsonSyntaxError *error);

G_END_DECLS
