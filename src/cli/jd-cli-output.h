/* jd-cli-output.h — what jobdeck-cli prints: responses, events, rejections,
 * failures and usage errors, either as the JobsSandbox sample's text lines or
 * (--json) as one JSON object per line: {"kind":…, "name":…, "payload":…}.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdio.h>

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The "kind" values of --json lines. */
#define JD_CLI_KIND_RESPONSE  "response"
#define JD_CLI_KIND_EVENT     "event"
#define JD_CLI_KIND_REJECTED  "rejected"
#define JD_CLI_KIND_FAILED    "failed"
#define JD_CLI_KIND_USAGE     "usage-error"
#define JD_CLI_KIND_TEXT      "text"

typedef struct _JdCliOutput JdCliOutput;

/* Writes to @out (results, events, rejections) and @err (failures, usage
 * errors and notes; in JSON mode everything goes to @out). */
JdCliOutput *jd_cli_output_new          (FILE        *out,
                                         FILE        *err,
                                         gboolean     json);
void         jd_cli_output_free         (JdCliOutput *self);
gboolean     jd_cli_output_get_json     (JdCliOutput *self);

/* One compact line of JSON for @node (objects keep their member order). */
char        *jd_cli_json_to_compact     (JsonNode    *node);
/* @payload parsed as JSON, or a JSON string node holding it when it is not
 * JSON; an empty payload is the empty object. */
JsonNode    *jd_cli_json_from_payload   (const char  *payload,
                                         gsize        len);

/* The line (without newline) that the functions below print. */
char        *jd_cli_format_response     (gboolean     json,
                                         const char  *name,
                                         JsonNode    *payload);
char        *jd_cli_format_event        (gboolean     json,
                                         const char  *name,
                                         JsonNode    *payload);
char        *jd_cli_format_rejected     (gboolean     json,
                                         const char  *name,
                                         const char  *code,
                                         const char  *message,
                                         JsonNode    *payload);

/* "<Name>Response: {…}" — @payload NULL prints {}. */
void         jd_cli_output_response     (JdCliOutput *self,
                                         const char  *name,
                                         JsonNode    *payload);
/* "Received <Name> event: {…}" */
void         jd_cli_output_event        (JdCliOutput *self,
                                         const char  *name,
                                         JsonNode    *payload);
/* "<Name> rejected: <code>: <message>"; @payload: the whole rejection for
 * JSON mode (NULL: {code, message}). */
void         jd_cli_output_rejected     (JdCliOutput *self,
                                         const char  *name,
                                         const char  *code,
                                         const char  *message,
                                         JsonNode    *payload);
/* "<Name> failed: <message>" on @err. */
void         jd_cli_output_failed       (JdCliOutput *self,
                                         const char  *name,
                                         const char  *message);
/* A usage error on @err, followed by a pointer at help. */
void         jd_cli_output_usage        (JdCliOutput *self,
                                         const char  *message);
/* Help, history and the like: plain text on @out, or a "text" line. */
void         jd_cli_output_text         (JdCliOutput *self,
                                         const char  *name,
                                         const char  *text);
/* A note for a person (connection state); only on @err and never in JSON mode. */
void         jd_cli_output_note         (JdCliOutput *self,
                                         const char  *format,
                                         ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
