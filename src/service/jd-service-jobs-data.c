/* jd-service-jobs-data.c — routing and error mapping of the HTTPS jobs data
 * plane; the operations themselves are the device API's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-jobs-data"

#include <string.h>

#include "jd-device-api.h"
#include "jd-jobs-error.h"
#include "jd-rules.h"
#include "jd-service-jobs-data.h"
#include "jd-service-json.h"

void
jd_jobs_data_response_clear (JdJobsDataResponse *response)
{
  g_clear_pointer (&response->error_type, g_free);
  g_clear_pointer (&response->body, g_free);
  response->status = 0;
}

/* The data plane's errors (iot-jobs-data model). A version mismatch has no
 * exception of its own there; InvalidStateTransitionException (409) is the
 * model's nearest (src/service/README.md). */
guint
jd_jobs_data_status_for_code (const char  *code,
                              const char **error_type)
{
  static const struct {
    const char *code;
    guint       status;
    const char *type;
  } map[] = {
    { "InvalidRequest",         400, "InvalidRequestException" },
    { "InvalidJson",            400, "InvalidRequestException" },
    { "ResourceNotFound",       404, "ResourceNotFoundException" },
    { "InvalidStateTransition", 409, "InvalidStateTransitionException" },
    { "VersionMismatch",        409, "InvalidStateTransitionException" },
    { "TerminalStateReached",   410, "TerminalStateException" },
    { "RequestThrottled",       429, "ThrottlingException" },
    { "InternalError",          503, "ServiceUnavailableException" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_strcmp0 (code, map[i].code) == 0)
      {
        *error_type = map[i].type;
        return map[i].status;
      }

  *error_type = "ServiceUnavailableException";
  return 503;
}

/**
 * jd_jobs_data_response_set_error:
 * @response: the response
 * @status: the HTTP status
 * @type: the exception (x-amzn-ErrorType)
 * @message: its message
 *
 * Makes @response AWS's error shape: the status, the type, `{"message": …}`.
 */
void
jd_jobs_data_response_set_error (JdJobsDataResponse *response,
                                 guint               status,
                                 const char         *type,
                                 const char         *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  jd_jobs_data_response_clear (response);
  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "message", message);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);

  response->status = status;
  response->error_type = g_strdup (type);
  response->body = json_generator_to_data (generator, NULL);
}

/* Decodes one percent-encoded piece; a NUL in it is refused (a C string would
 * silently end there), naming @member. */
static char *
decode (const char  *raw,
        gssize       len,
        const char  *member,
        GError     **error)
{
  g_autoptr(GBytes) bytes = g_uri_unescape_bytes (raw, len, NULL, error);
  const char *data;
  gsize size;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &size);
  if (!jd_rules_check_string (member, data, size, error))
    return NULL;
  if (!g_utf8_validate_len (data, size, NULL))
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST,
                   "Value at '%s' is not valid UTF-8", member);
      return NULL;
    }
  return g_strndup (data, size);
}

/* Splits and decodes the path: a trailing slash adds no segment. */
static GStrv
split_path (const char  *raw_path,
            GError     **error)
{
  static const char *const members[] = { "path", "thingName", "path", "jobId" };
  g_auto(GStrv) raw = g_strsplit (raw_path[0] == '/' ? raw_path + 1 : raw_path, "/", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = g_strv_length (raw);

  if (n > 0 && raw[n - 1][0] == '\0')
    n--;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *segment = decode (raw[i], -1, i < G_N_ELEMENTS (members) ? members[i] : "path", error);

      if (segment == NULL)
        return NULL;
      g_strv_builder_add (builder, segment);
    }
  return g_strv_builder_end (builder);
}

/* `a=1&b=x%20y` → {a: "1", b: "x y"}; the last of a repeated name wins. */
static GHashTable *
parse_query (const char  *raw_query,
             GError     **error)
{
  g_autoptr(GHashTable) query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) pairs = NULL;

  if (raw_query == NULL || *raw_query == '\0')
    return g_steal_pointer (&query);

  pairs = g_strsplit (raw_query, "&", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      const char *equal = strchr (pairs[i], '=');
      g_autofree char *name = NULL;
      char *value;

      if (pairs[i][0] == '\0')
        continue;
      name = decode (pairs[i], equal != NULL ? equal - pairs[i] : -1, "query", error);
      if (name == NULL)
        return NULL;
      value = decode (equal != NULL ? equal + 1 : "", -1, name, error);
      if (value == NULL)
        return NULL;
      g_hash_table_replace (query, g_steal_pointer (&name), value);
    }
  return g_steal_pointer (&query);
}

/**
 * jd_jobs_data_handle:
 * @store: the state
 * @method: "GET", "PUT", "POST"
 * @raw_path: the path as sent
 * @raw_query: (nullable): the query as sent, without '?'
 * @body: (nullable): the body
 * @len: its length
 * @response: (out caller-allocates): status, exception and body
 *
 * Routes to the device API's operation; an unknown path or method is
 * 404 `UnknownOperationException`, as on the control plane.
 */
void
jd_jobs_data_handle (JdStore            *store,
                     const char         *method,
                     const char         *raw_path,
                     const char         *raw_query,
                     const char         *body,
                     gsize               len,
                     JdJobsDataResponse *response)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) query = NULL;
  g_auto(GStrv) segments = NULL;
  g_autofree char *reply = NULL;
  const char *job_id = NULL;
  const char *code = NULL;
  const char *type = NULL;
  JdDeviceOp op;
  guint n;

  g_return_if_fail (JD_IS_STORE (store));
  g_return_if_fail (method != NULL && raw_path != NULL && response != NULL);
  g_return_if_fail (body != NULL || len == 0);

  memset (response, 0, sizeof *response);

  segments = split_path (raw_path, &error);
  if (segments != NULL)
    query = parse_query (raw_query, &error);
  if (segments == NULL || query == NULL)
    {
      jd_jobs_data_response_set_error (response, 400, "InvalidRequestException", error->message);
      return;
    }

  n = g_strv_length (segments);
  if (n < 3 || strcmp (segments[0], "things") != 0 || strcmp (segments[2], "jobs") != 0 || n > 4)
    goto unknown;

  if (n == 3 && strcmp (method, "GET") == 0)
    op = JD_DEVICE_OP_GET_PENDING;
  else if (n == 4 && strcmp (method, "PUT") == 0 && jd_rules_is_next_job_id (segments[3], -1))
    op = JD_DEVICE_OP_START_NEXT;
  else if (n == 4 && (strcmp (method, "GET") == 0 || strcmp (method, "POST") == 0))
    {
      op = strcmp (method, "GET") == 0 ? JD_DEVICE_OP_DESCRIBE : JD_DEVICE_OP_UPDATE;
      job_id = segments[3];
    }
  else
    goto unknown;

  if (jd_device_api_handle_https (store, segments[1], op, job_id, query, body, len, &code, &reply))
    {
      response->status = 200;
      response->body = g_steal_pointer (&reply);
      return;
    }

  response->status = jd_jobs_data_status_for_code (code, &type);
  response->error_type = g_strdup (type);
  response->body = g_steal_pointer (&reply);
  return;

unknown:
  {
    g_autofree char *message = g_strdup_printf ("No operation matches %s %s", method, raw_path);

    jd_jobs_data_response_set_error (response, 404, "UnknownOperationException", message);
  }
}
