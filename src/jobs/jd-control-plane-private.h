/* jd-control-plane-private.h — what the control plane's operations
 * (jd-control-plane-operations.c) use of its transport (jd-control-plane.c):
 * one request, possibly several HTTP exchanges (retries, pages), signed and
 * sent, its JSON answer parsed. Only for files of libjobdeck-jobs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "jd-control-plane.h"

G_BEGIN_DECLS

typedef gpointer (*JdCpParseFunc) (JsonNode    *root,
                                   const char  *arg1,
                                   const char  *arg2,
                                   GError     **error);

/* One operation: possibly several HTTP exchanges (retries, pages). */
typedef struct {
  char *method;
  char *path;          /* already percent-encoded, without the base path */
  char *query;         /* percent-encoded, without nextToken; may be NULL */
  GBytes *body;        /* JSON or NULL */
  gboolean idempotent;

  /* Single results: parse the root into the task's pointer. */
  JdCpParseFunc parse;
  GDestroyNotify result_free;
  /* Lists: the member holding items, each parsed with parse. */
  const char *list_member;
  GPtrArray *items;
  char *next_token;
  /* Extra arguments for parse (job id or thing name of the path). */
  char *arg1;
  char *arg2;

  guint attempt;
  GSource *delay_source;
  GSource *cancel_source;
} JdCpRequest;


/* The SigV4 signing name of every request (default
 * JD_CONTROL_PLANE_SIGNING_SERVICE): the jobs data plane signs as
 * "iot-jobs-data" through the same transport (jd-jobs-data-client.c). */
void         jd_cp_set_signing_service  (JdControlPlane      *self,
                                         const char          *service);

/* A new transport with @self's region, trust and credentials for another
 * endpoint (the jobs data plane's). */
JdControlPlane *jd_cp_new_sibling       (JdControlPlane      *self,
                                         const char          *endpoint_url,
                                         GError             **error);

/* The reply's object, or its @member object (nullable); an error naming
 * what is missing otherwise. */
JsonObject  *jd_cp_root_object          (JsonNode            *root,
                                         const char          *member,
                                         GError             **error);

/* A string member the reply must have (copied), else an error naming it. */
char        *jd_cp_required_string      (JsonNode            *root,
                                         const char          *member,
                                         const char          *what,
                                         GError             **error);

/* A JdCpRequest parse function returning the reply body as it came. */
gpointer     jd_cp_parse_body           (JsonNode            *root,
                                         const char          *arg1,
                                         const char          *arg2,
                                         GError             **error);

/* A path label or query value, escaped as botocore does. */
char        *jd_cp_escape               (const char          *label);
void         jd_cp_query_add            (GString             *query,
                                         const char          *name,
                                         const char          *value);
/* Frees @query; NULL when it is empty. */
char        *jd_cp_query_end            (GString             *query);
/* "maxResults=<page size>". */
GString     *jd_cp_query_new_list       (JdControlPlane      *self);
GBytes      *jd_cp_json_to_bytes        (JsonBuilder         *builder);

/* Takes @path, @query and @body. Only @idempotent requests are retried. */
JdCpRequest *jd_cp_request_new          (const char          *method,
                                         char                *path,
                                         char                *query,
                                         GBytes              *body,
                                         gboolean             idempotent);
/* Follows nextToken; each item of @member parsed with @parse. */
void         jd_cp_request_make_list    (JdCpRequest         *req,
                                         const char          *member,
                                         JdCpParseFunc        parse);
/* Takes @req. */
void         jd_cp_request_start        (JdControlPlane      *self,
                                         JdCpRequest         *req,
                                         gpointer             source_tag,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
/* jd_cp_request_start() for a request whose result is the reply body as it
 * came (a JsonNode; jd_cp_finish_pointer() gives it). Takes @req. */
void         jd_cp_request_start_reply  (JdControlPlane      *self,
                                         JdCpRequest         *req,
                                         gpointer             source_tag,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gpointer     jd_cp_finish_pointer       (JdControlPlane      *self,
                                         GAsyncResult        *result,
                                         gpointer             source_tag,
                                         GError             **error);
gboolean     jd_cp_finish_boolean       (JdControlPlane      *self,
                                         GAsyncResult        *result,
                                         gpointer             source_tag,
                                         GError             **error);

G_END_DECLS
