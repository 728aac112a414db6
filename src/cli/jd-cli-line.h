/* jd-cli-line.h — splitting a jobdeck-cli command line into words with
 * shell-style quoting, and the command table's option parsing. Pure
 * functions, no I/O, so the unit tests can drive them directly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define JD_CLI_ERROR (jd_cli_error_quark ())

typedef enum {
  JD_CLI_ERROR_USAGE,     /* a command line that cannot be run as typed */
  JD_CLI_ERROR_CONFIG,    /* no usable profile or sandbox */
  JD_CLI_ERROR_FAILED,    /* the request could not be made or answered */
} JdCliErrorCode;

GQuark     jd_cli_error_quark   (void);

/* Splits @line into words: blanks separate words; '...' keeps everything
 * literally; "..." keeps everything but lets a backslash escape " and \;
 * outside quotes a backslash escapes the next character. @ends (nullable)
 * receives, for each word, the byte offset in @line just past it. Returns
 * NULL with JD_CLI_ERROR_USAGE for an unterminated quote. An empty or blank
 * line gives an empty array. */
GPtrArray *jd_cli_line_split    (const char  *line,
                                 GArray     **ends,
                                 GError     **error);

/* The text of @line after byte @offset with leading and trailing blanks
 * (and a final newline) removed. */
char      *jd_cli_line_rest     (const char  *line,
                                 gsize        offset);

typedef struct {
  const char *name;        /* without the leading "--" */
  const char *value_name;  /* NULL for a flag that takes no value */
  gboolean    repeatable;
} JdCliOption;

/* The result of parsing a command's words against its options. */
typedef struct {
  GPtrArray  *args;        /* positional words, in order */
  GHashTable *options;     /* name → GPtrArray of values ("" for flags) */
} JdCliParsed;

void         jd_cli_parsed_free      (JdCliParsed *parsed);

/* Parses @words (the command's name excluded) against @options, which ends
 * with a {NULL} entry. "--name value" and "--name=value" both work; "--"
 * ends the options. When @stop_after_args is non-zero, parsing stops after
 * that many positional words and *@consumed tells how many words were used
 * (the caller takes the rest of the line itself). Unknown options, missing
 * values, repeated non-repeatable options and flags given a value are
 * JD_CLI_ERROR_USAGE errors whose message names @command. */
JdCliParsed *jd_cli_parse_words      (const char         *command,
                                      const char * const *words,
                                      guint               n_words,
                                      const JdCliOption  *options,
                                      guint               stop_after_args,
                                      guint              *consumed,
                                      GError            **error);

/* The last value of @name, or NULL when it was not given. */
const char  *jd_cli_parsed_get       (JdCliParsed *parsed,
                                      const char  *name);
gboolean     jd_cli_parsed_has       (JdCliParsed *parsed,
                                      const char  *name);
/* Every value of @name (NULL-terminated, owned by @parsed); never NULL. */
GPtrArray   *jd_cli_parsed_get_all   (JdCliParsed *parsed,
                                      const char  *name);

/* Reads @text as an integer in [@min, @max] for option @what of @command. */
gboolean     jd_cli_parse_int        (const char  *command,
                                      const char  *what,
                                      const char  *text,
                                      gint64       min,
                                      gint64       max,
                                      gint64      *out,
                                      GError     **error);

/* Adds "key=value" to @details (string → string), refusing a missing "=" or
 * an empty key. */
gboolean     jd_cli_parse_detail     (const char  *command,
                                      const char  *text,
                                      GHashTable  *details,
                                      GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdCliParsed, jd_cli_parsed_free)

G_END_DECLS
