/* jd-test-responder.c — a stand-in jobs service for device tests.
 *
 * Not the real service (src/service): a small, readable state machine for
 * one thing that follows reference/jobs-device-api.md §3–§6, so the device
 * client can be tested before and apart from the service. It is pumped by a
 * 5 ms GLib timer calling mosquitto_loop() with a zero timeout, and after a
 * broker restart it reconnects on its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-test-responder"

#include <string.h>

#include <mosquitto.h>

#include "jd-test-responder.h"
#include "jd-topic.h"

typedef struct {
  char       *job_id;
  char       *status;
  gint64      version;
  gint64      number;
  gint64      queued_at;
  gint64      started_at;   /* 0: never */
  gint64      updated_at;
  char       *document;     /* JSON text or NULL */
  GHashTable *details;
} Job;

struct _JdTestResponder
{
  JdTestBroker     *broker;
  char             *thing;
  struct mosquitto *mosq;
  guint             poll_id;
  gboolean          connected;
  gint64            next_reconnect;
  GPtrArray        *jobs;         /* Job, creation order */
  gint64            clock;
  gboolean          silent;
  char             *reject;
  GHashTable       *last;         /* operation → JsonObject */
  guint             n_requests;
  char             *pending_ids;  /* for notify: the set last announced */
  char             *head_id;      /* for notify-next */
};

static void
job_free (Job *job)
{
  g_free (job->job_id);
  g_free (job->status);
  g_free (job->document);
  g_hash_table_unref (job->details);
  g_free (job);
}

static gint64
now (JdTestResponder *self)
{
  return self->clock;
}

static gboolean
is_pending (Job *job)
{
  return strcmp (job->status, "QUEUED") == 0 || strcmp (job->status, "IN_PROGRESS") == 0;
}

/* IN_PROGRESS first, then QUEUED, each in creation order. */
static GPtrArray *
pending (JdTestResponder *self)
{
  GPtrArray *list = g_ptr_array_new ();

  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < self->jobs->len; i++)
      {
        Job *job = g_ptr_array_index (self->jobs, i);

        if (strcmp (job->status, pass == 0 ? "IN_PROGRESS" : "QUEUED") == 0)
          g_ptr_array_add (list, job);
      }

  return list;
}

static Job *
find_job (JdTestResponder *self,
          const char      *job_id)
{
  for (guint i = 0; i < self->jobs->len; i++)
    {
      Job *job = g_ptr_array_index (self->jobs, i);

      if (strcmp (job->job_id, job_id) == 0)
        return job;
    }
  return NULL;
}

static void
publish_builder (JdTestResponder *self,
                 const char      *topic,
                 JsonBuilder     *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = json_to_string (root, FALSE);

  jd_test_responder_publish (self, topic, text);
}

static void
add_details (JsonBuilder *builder,
             GHashTable  *details)
{
  GHashTableIter iter;
  gpointer key, value;

  if (g_hash_table_size (details) == 0)
    return;

  json_builder_set_member_name (builder, "statusDetails");
  json_builder_begin_object (builder);
  g_hash_table_iter_init (&iter, details);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      json_builder_set_member_name (builder, key);
      json_builder_add_string_value (builder, value);
    }
  json_builder_end_object (builder);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

/* Field order as in captures: jobId, queuedAt, lastUpdatedAt, startedAt,
 * executionNumber, versionNumber. */
static void
add_summary (JsonBuilder *builder,
             Job         *job)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "jobId");
  json_builder_add_string_value (builder, job->job_id);
  add_int (builder, "queuedAt", job->queued_at);
  add_int (builder, "lastUpdatedAt", job->updated_at);
  if (job->started_at != 0)
    add_int (builder, "startedAt", job->started_at);
  add_int (builder, "executionNumber", job->number);
  add_int (builder, "versionNumber", job->version);
  json_builder_end_object (builder);
}

static void
add_document (JsonBuilder *builder,
              Job         *job)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (job->document == NULL || !json_parser_load_from_data (parser, job->document, -1, NULL))
    return;
  json_builder_set_member_name (builder, "jobDocument");
  json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
}

static void
add_execution (JsonBuilder *builder,
               Job         *job,
               gboolean     with_document)
{
  json_builder_set_member_name (builder, "execution");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "jobId");
  json_builder_add_string_value (builder, job->job_id);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, job->status);
  add_details (builder, job->details);
  add_int (builder, "queuedAt", job->queued_at);
  if (job->started_at != 0)
    add_int (builder, "startedAt", job->started_at);
  add_int (builder, "lastUpdatedAt", job->updated_at);
  add_int (builder, "versionNumber", job->version);
  add_int (builder, "executionNumber", job->number);
  if (with_document)
    add_document (builder, job);
  json_builder_end_object (builder);
}

static void
add_state (JsonBuilder *builder,
           Job         *job)
{
  json_builder_set_member_name (builder, "executionState");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, job->status);
  add_details (builder, job->details);
  add_int (builder, "versionNumber", job->version);
  json_builder_end_object (builder);
}

static char *
thing_topic (JdTestResponder *self,
             const char      *suffix)
{
  return g_strdup_printf ("$aws/things/%s/jobs/%s", self->thing, suffix);
}

void
jd_test_responder_notify (JdTestResponder *self,
                          guint            max_entries)
{
  g_autoptr(GPtrArray) list = pending (self);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *topic = thing_topic (self, "notify");
  guint n = 0;

  json_builder_begin_object (builder);
  add_int (builder, "timestamp", now (self));
  json_builder_set_member_name (builder, "jobs");
  json_builder_begin_object (builder);
  for (guint pass = 0; pass < 2; pass++)
    {
      const char *status = pass == 0 ? "IN_PROGRESS" : "QUEUED";
      gboolean open = FALSE;

      for (guint i = 0; i < list->len && n < max_entries; i++)
        {
          Job *job = g_ptr_array_index (list, i);

          if (strcmp (job->status, status) != 0)
            continue;
          if (!open)
            {
              json_builder_set_member_name (builder, status);
              json_builder_begin_array (builder);
              open = TRUE;
            }
          add_summary (builder, job);
          n++;
        }
      if (open)
        json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  publish_builder (self, topic, builder);
}

/* Publishes notify and notify-next exactly when the pending set or its
 * head changed (reference §6). */
static void
announce (JdTestResponder *self)
{
  g_autoptr(GPtrArray) list = pending (self);
  g_autoptr(GString) ids = g_string_new (NULL);
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  const char *head = list->len > 0 ? ((Job *) g_ptr_array_index (list, 0))->job_id : NULL;

  for (guint i = 0; i < self->jobs->len; i++)
    if (is_pending (g_ptr_array_index (self->jobs, i)))
      g_string_append_printf (ids, "%s,", ((Job *) g_ptr_array_index (self->jobs, i))->job_id);

  if (g_strcmp0 (ids->str, self->pending_ids) != 0)
    {
      g_free (self->pending_ids);
      self->pending_ids = g_strdup (ids->str);
      jd_test_responder_notify (self, 10);
    }

  if (g_strcmp0 (head, self->head_id) != 0)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autofree char *topic = thing_topic (self, "notify-next");

      g_free (self->head_id);
      self->head_id = g_strdup (head);
      json_builder_begin_object (builder);
      add_int (builder, "timestamp", now (self));
      if (head != NULL)
        add_execution (builder, g_ptr_array_index (list, 0), TRUE);
      json_builder_end_object (builder);
      publish_builder (self, topic, builder);
    }
}

static void
reply (JdTestResponder    *self,
       const char         *request_topic,
       gboolean            accepted,
       JsonBuilder        *builder,
       const char         *token)
{
  g_autofree char *topic = g_strconcat (request_topic, accepted ? "/accepted" : "/rejected", NULL);

  if (token != NULL)
    {
      json_builder_set_member_name (builder, "clientToken");
      json_builder_add_string_value (builder, token);
    }
  add_int (builder, "timestamp", now (self));
  json_builder_end_object (builder);
  publish_builder (self, topic, builder);
}

static void
reject (JdTestResponder *self,
        const char      *request_topic,
        const char      *code,
        const char      *message,
        Job             *state_of,
        const char      *token)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  if (state_of != NULL)
    add_state (builder, state_of);
  reply (self, request_topic, FALSE, builder, token);
}

static gboolean
read_int (JsonObject *object,
          const char *member,
          gint64     *value)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_ascii_string_to_signed (json_node_get_string (node), 10, G_MININT64, G_MAXINT64, value, NULL);
  *value = json_node_get_int (node);
  return TRUE;
}

static void
read_details (JsonObject *object,
              Job        *job)
{
  JsonNode *node = json_object_get_member (object, "statusDetails");
  g_autoptr(GList) names = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;

  g_hash_table_remove_all (job->details);
  names = json_object_get_members (json_node_get_object (node));
  for (const GList *l = names; l; l = l->next)
    g_hash_table_insert (job->details, g_strdup (l->data),
                         g_strdup (json_object_get_string_member (json_node_get_object (node), l->data)));
}

static void
handle_request (JdTestResponder    *self,
                const char         *topic,
                const JdTopicParts *parts,
                JsonObject         *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *job_id = jd_topic_parts_dup_job_id (parts);
  const char *token = json_object_has_member (request, "clientToken")
                      ? json_object_get_string_member (request, "clientToken") : NULL;
  const char *op_name = jd_topic_operation_to_string (parts->operation);
  g_autoptr(GPtrArray) list = pending (self);
  Job *job;

  self->clock++;
  self->n_requests++;
  g_hash_table_replace (self->last, g_strdup (op_name), json_object_ref (request));

  if (self->silent)
    return;
  if (self->reject != NULL)
    {
      reject (self, topic, self->reject, "forced by the test", NULL, token);
      return;
    }

  json_builder_begin_object (builder);

  switch (parts->operation)
    {
    case JD_TOPIC_OP_GET_PENDING:
      for (guint pass = 0; pass < 2; pass++)
        {
          json_builder_set_member_name (builder, pass == 0 ? "inProgressJobs" : "queuedJobs");
          json_builder_begin_array (builder);
          for (guint i = 0; i < list->len; i++)
            {
              job = g_ptr_array_index (list, i);
              if (strcmp (job->status, pass == 0 ? "IN_PROGRESS" : "QUEUED") == 0)
                add_summary (builder, job);
            }
          json_builder_end_array (builder);
        }
      reply (self, topic, TRUE, builder, token);
      return;

    case JD_TOPIC_OP_START_NEXT:
      job = list->len > 0 ? g_ptr_array_index (list, 0) : NULL;
      if (job != NULL && strcmp (job->status, "QUEUED") == 0)
        {
          g_free (job->status);
          job->status = g_strdup ("IN_PROGRESS");
          job->started_at = job->updated_at = now (self);
          job->version++;
          read_details (request, job);
        }
      if (job != NULL)
        add_execution (builder, job, TRUE);
      reply (self, topic, TRUE, builder, token);
      announce (self);
      return;

    case JD_TOPIC_OP_DESCRIBE:
      job = jd_topic_is_next_job_id (job_id, -1)
            ? (list->len > 0 ? g_ptr_array_index (list, 0) : NULL)
            : find_job (self, job_id);
      if (job == NULL && !jd_topic_is_next_job_id (job_id, -1))
        {
          reject (self, topic, "ResourceNotFound", "Job execution not found", NULL, token);
          return;
        }
      if (job != NULL)
        add_execution (builder, job,
                       !json_object_has_member (request, "includeJobDocument") ||
                       json_object_get_boolean_member (request, "includeJobDocument"));
      reply (self, topic, TRUE, builder, token);
      return;

    case JD_TOPIC_OP_UPDATE:
      {
        gint64 expected;
        const char *status;

        job = find_job (self, job_id);
        if (job == NULL)
          {
            reject (self, topic, "ResourceNotFound", "Job execution not found", NULL, token);
            return;
          }
        if (!json_object_has_member (request, "status"))
          {
            reject (self, topic, "InvalidRequest",
                    "Value null at 'status' failed to satisfy constraint: Member must not be null",
                    NULL, token);
            return;
          }
        status = json_object_get_string_member (request, "status");
        if (read_int (request, "expectedVersion", &expected) && expected != job->version)
          {
            reject (self, topic, "VersionMismatch",
                    "The expected version does not match the current version", job, token);
            return;
          }
        if (!is_pending (job))
          {
            reject (self, topic, "InvalidStateTransition",
                    "The job execution is already in a terminal state", job, token);
            return;
          }

        g_free (job->status);
        job->status = g_strdup (status);
        job->version++;
        job->updated_at = now (self);
        if (strcmp (status, "IN_PROGRESS") == 0 && job->started_at == 0)
          job->started_at = now (self);
        read_details (request, job);

        if (json_object_has_member (request, "includeJobExecutionState") &&
            json_object_get_boolean_member (request, "includeJobExecutionState"))
          add_state (builder, job);
        if (json_object_has_member (request, "includeJobDocument") &&
            json_object_get_boolean_member (request, "includeJobDocument"))
          add_document (builder, job);
        reply (self, topic, TRUE, builder, token);
        announce (self);
        return;
      }

    case JD_TOPIC_OP_NONE:
    case JD_TOPIC_OP_NOTIFY:
    case JD_TOPIC_OP_NOTIFY_NEXT:
    default:
      g_assert_not_reached ();
    }
}

static void
on_message (struct mosquitto               *mosq,
            void                           *data,
            const struct mosquitto_message *message)
{
  JdTestResponder *self = data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JdTopicParts parts;

  if (jd_topic_parse_for_thing (message->topic, -1, self->thing, &parts) != JD_TOPIC_PARSE_OK ||
      parts.kind != JD_TOPIC_KIND_REQUEST ||
      parts.operation == JD_TOPIC_OP_NOTIFY || parts.operation == JD_TOPIC_OP_NOTIFY_NEXT)
    return;

  if (message->payloadlen == 0)
    json_parser_load_from_data (parser, "{}", -1, NULL);
  else if (!json_parser_load_from_data (parser, message->payload, message->payloadlen, NULL) ||
           !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      reject (self, message->topic, "InvalidJson", "Payload is not valid JSON", NULL, NULL);
      return;
    }

  handle_request (self, message->topic, &parts, json_node_get_object (json_parser_get_root (parser)));
}

static void
on_connect (struct mosquitto *mosq,
            void             *data,
            int               rc)
{
  if (rc == 0)
    mosquitto_subscribe (mosq, NULL, "$aws/things/+/jobs/#", 1);
}

static void
on_subscribe (struct mosquitto *mosq,
              void             *data,
              int               mid,
              int               qos_count,
              const int        *granted)
{
  JdTestResponder *self = data;

  self->connected = TRUE;
}

static gboolean
poll_cb (gpointer data)
{
  JdTestResponder *self = data;
  int rc = mosquitto_loop (self->mosq, 0, 1);

  if (rc != MOSQ_ERR_SUCCESS)
    {
      self->connected = FALSE;
      if (g_get_monotonic_time () >= self->next_reconnect)
        {
          self->next_reconnect = g_get_monotonic_time () + 100 * 1000;
          mosquitto_reconnect (self->mosq);
        }
    }

  return G_SOURCE_CONTINUE;
}

JdTestResponder *
jd_test_responder_new (JdTestBroker *broker,
                       const char   *thing_name)
{
  JdTestResponder *self = g_new0 (JdTestResponder, 1);
  const char *cert = NULL, *key = NULL;
  g_autoptr(GError) error = NULL;
  int rc;

  self->broker = broker;
  self->thing = g_strdup (thing_name);
  self->jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) job_free);
  self->last = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  self->clock = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_true (jd_test_broker_issue_client (broker, JD_TEST_BROKER_SERVICE_IDENTITY, &cert, &key, &error));
  g_assert_no_error (error);

  mosquitto_lib_init ();
  self->mosq = mosquitto_new (NULL, true, self);
  g_assert_nonnull (self->mosq);
  mosquitto_int_option (self->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  mosquitto_connect_callback_set (self->mosq, on_connect);
  mosquitto_subscribe_callback_set (self->mosq, on_subscribe);
  mosquitto_message_callback_set (self->mosq, on_message);
  g_assert_cmpint (mosquitto_tls_set (self->mosq, jd_test_broker_get_ca_path (broker), NULL, cert, key, NULL),
                   ==, MOSQ_ERR_SUCCESS);
  rc = mosquitto_connect (self->mosq, jd_test_broker_get_host (broker), jd_test_broker_get_port (broker), 30);
  g_assert_cmpint (rc, ==, MOSQ_ERR_SUCCESS);

  self->poll_id = g_timeout_add (5, poll_cb, self);
  return self;
}

void
jd_test_responder_free (JdTestResponder *self)
{
  g_clear_handle_id (&self->poll_id, g_source_remove);
  mosquitto_disconnect (self->mosq);
  mosquitto_destroy (self->mosq);
  g_ptr_array_unref (self->jobs);
  g_hash_table_unref (self->last);
  g_free (self->thing);
  g_free (self->reject);
  g_free (self->pending_ids);
  g_free (self->head_id);
  g_free (self);
}

void
jd_test_responder_add_job (JdTestResponder *self,
                           const char      *job_id,
                           const char      *document,
                           gboolean         quiet)
{
  Job *job = g_new0 (Job, 1);

  self->clock++;
  job->job_id = g_strdup (job_id);
  job->status = g_strdup ("QUEUED");
  job->version = 1;
  job->number = 1;
  job->queued_at = job->updated_at = now (self);
  job->document = g_strdup (document);
  job->details = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_ptr_array_add (self->jobs, job);

  if (!quiet)
    announce (self);
  else
    {
      /* Quiet additions still count as announced. A new QUEUED job goes
       * last, so it is the head only of an empty queue. */
      char *ids = g_strconcat (self->pending_ids ? self->pending_ids : "", job_id, ",", NULL);

      g_free (self->pending_ids);
      self->pending_ids = ids;
      if (self->head_id == NULL)
        self->head_id = g_strdup (job_id);
    }
}

void
jd_test_responder_set_status (JdTestResponder *self,
                              const char      *job_id,
                              const char      *status)
{
  Job *job = find_job (self, job_id);

  g_assert_nonnull (job);
  self->clock++;
  g_free (job->status);
  job->status = g_strdup (status);
  job->updated_at = now (self);
  announce (self);
}

guint
jd_test_responder_count_pending (JdTestResponder *self)
{
  g_autoptr(GPtrArray) list = pending (self);

  return list->len;
}

void
jd_test_responder_set_silent (JdTestResponder *self,
                              gboolean         silent)
{
  self->silent = silent;
}

void
jd_test_responder_set_reject (JdTestResponder *self,
                              const char      *code)
{
  g_free (self->reject);
  self->reject = g_strdup (code);
}

void
jd_test_responder_publish (JdTestResponder *self,
                           const char      *topic,
                           const char      *payload)
{
  mosquitto_publish (self->mosq, NULL, topic, (int) strlen (payload), payload, 1, false);
}

JsonObject *
jd_test_responder_last_request (JdTestResponder *self,
                                const char      *operation)
{
  return g_hash_table_lookup (self->last, operation);
}

guint
jd_test_responder_n_requests (JdTestResponder *self)
{
  return self->n_requests;
}

gboolean
jd_test_responder_is_connected (JdTestResponder *self)
{
  return self->connected;
}
