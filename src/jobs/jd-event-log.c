/* jd-event-log.c — a bounded log of MQTT messages as a GListModel.
 *
 * A ring buffer: appending past the cap drops the oldest entry, so memory
 * stays bounded however long the app runs (the cap is a setting).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-event-log"

#include <string.h>

#include "jd-event-log.h"
#include "jd-topic.h"

struct _JdEvent
{
  GObject           parent_instance;

  GDateTime        *time;
  JdEventDirection  direction;
  char             *kind;
  char             *topic;
  char             *payload;
  char             *job_id;      /* worked out on first use */
  gboolean          job_id_known;
};

G_DEFINE_FINAL_TYPE (JdEvent, jd_event, G_TYPE_OBJECT)

enum {
  EVENT_PROP_0,
  EVENT_PROP_TIME,
  EVENT_PROP_DIRECTION,
  EVENT_PROP_KIND,
  EVENT_PROP_TOPIC,
  EVENT_PROP_PAYLOAD,
  EVENT_N_PROPS
};

static GParamSpec *event_properties[EVENT_N_PROPS];

/* A log entry keeps at most this much of a payload, so a thousand big
 * get-pending replies cannot eat the memory. */
#define EVENT_PAYLOAD_MAX (64 * 1024)

struct _JdEventLog
{
  GObject    parent_instance;

  JdEvent  **slots;   /* ring of cap entries */
  guint      cap;
  guint      head;    /* index of the oldest */
  guint      len;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JdEventLog, jd_event_log, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  LOG_PROP_0,
  LOG_PROP_CAP,
  LOG_PROP_N_ITEMS,
  LOG_N_PROPS
};

static GParamSpec *log_properties[LOG_N_PROPS];

G_DEFINE_ENUM_TYPE (JdEventDirection, jd_event_direction,
  G_DEFINE_ENUM_VALUE (JD_EVENT_DIRECTION_OUT, "out"),
  G_DEFINE_ENUM_VALUE (JD_EVENT_DIRECTION_IN, "in"))

/* ---- JdEvent ---- */

static void
jd_event_finalize (GObject *object)
{
  JdEvent *self = (JdEvent *) object;

  g_clear_pointer (&self->time, g_date_time_unref);
  g_free (self->kind);
  g_free (self->topic);
  g_free (self->payload);
  g_free (self->job_id);

  G_OBJECT_CLASS (jd_event_parent_class)->finalize (object);
}

static void
jd_event_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  JdEvent *self = JD_EVENT (object);

  switch (prop_id)
    {
    case EVENT_PROP_TIME:
      g_value_set_boxed (value, self->time);
      break;
    case EVENT_PROP_DIRECTION:
      g_value_set_enum (value, self->direction);
      break;
    case EVENT_PROP_KIND:
      g_value_set_string (value, self->kind);
      break;
    case EVENT_PROP_TOPIC:
      g_value_set_string (value, self->topic);
      break;
    case EVENT_PROP_PAYLOAD:
      g_value_set_string (value, self->payload);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_event_class_init (JdEventClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = jd_event_finalize;
  object_class->get_property = jd_event_get_property;

  event_properties[EVENT_PROP_TIME] =
    g_param_spec_boxed ("time", NULL, NULL, G_TYPE_DATE_TIME, ro);
  event_properties[EVENT_PROP_DIRECTION] =
    g_param_spec_enum ("direction", NULL, NULL, JD_TYPE_EVENT_DIRECTION, JD_EVENT_DIRECTION_IN, ro);
  event_properties[EVENT_PROP_KIND] =
    g_param_spec_string ("kind", NULL, NULL, NULL, ro);
  event_properties[EVENT_PROP_TOPIC] =
    g_param_spec_string ("topic", NULL, NULL, NULL, ro);
  event_properties[EVENT_PROP_PAYLOAD] =
    g_param_spec_string ("payload", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, EVENT_N_PROPS, event_properties);
}

static void
jd_event_init (JdEvent *self)
{
}

/**
 * jd_event_new:
 * @time: (nullable): when; %NULL for now
 * @direction: in or out
 * @kind: what it was, e.g. "update accepted", "notify-next"
 * @topic: the topic
 * @payload: (nullable): the payload; kept as text (invalid UTF-8 repaired,
 *   cut after 64 KiB with a note of the full size)
 *
 * Returns: (transfer full): a new event
 */
JdEvent *
jd_event_new (GDateTime        *time,
              JdEventDirection  direction,
              const char       *kind,
              const char       *topic,
              GBytes           *payload)
{
  JdEvent *self;
  const char *data = "";
  gsize size = 0;

  g_return_val_if_fail (kind != NULL, NULL);
  g_return_val_if_fail (topic != NULL, NULL);

  self = g_object_new (JD_TYPE_EVENT, NULL);
  self->time = time ? g_date_time_ref (time) : g_date_time_new_now_utc ();
  self->direction = direction;
  self->kind = g_strdup (kind);
  self->topic = g_strdup (topic);
  if (payload != NULL)
    data = g_bytes_get_data (payload, &size);

  if (size > EVENT_PAYLOAD_MAX)
    {
      g_autofree char *head = g_utf8_make_valid (data, EVENT_PAYLOAD_MAX);

      self->payload = g_strdup_printf ("%s… (%" G_GSIZE_FORMAT " bytes in all)", head, size);
    }
  else
    self->payload = g_utf8_make_valid (size ? data : "", size);
  return self;
}

GDateTime *
jd_event_get_time (JdEvent *self)
{
  g_return_val_if_fail (JD_IS_EVENT (self), NULL);
  return self->time;
}

JdEventDirection
jd_event_get_direction (JdEvent *self)
{
  g_return_val_if_fail (JD_IS_EVENT (self), JD_EVENT_DIRECTION_IN);
  return self->direction;
}

const char *
jd_event_get_kind (JdEvent *self)
{
  g_return_val_if_fail (JD_IS_EVENT (self), NULL);
  return self->kind;
}

const char *
jd_event_get_topic (JdEvent *self)
{
  g_return_val_if_fail (JD_IS_EVENT (self), NULL);
  return self->topic;
}

const char *
jd_event_get_payload (JdEvent *self)
{
  g_return_val_if_fail (JD_IS_EVENT (self), NULL);
  return self->payload;
}

/**
 * jd_event_to_json:
 * @self: an event
 *
 * Returns: (transfer full): `{"time": ISO 8601, "direction": "in"|"out",
 *   "kind", "topic", "payload"}`
 */
JsonNode *
jd_event_to_json (JdEvent *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *time = NULL;

  g_return_val_if_fail (JD_IS_EVENT (self), NULL);

  time = g_date_time_format_iso8601 (self->time);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, time);
  json_builder_set_member_name (builder, "direction");
  json_builder_add_string_value (builder, self->direction == JD_EVENT_DIRECTION_IN ? "in" : "out");
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, self->kind);
  json_builder_set_member_name (builder, "topic");
  json_builder_add_string_value (builder, self->topic);
  json_builder_set_member_name (builder, "payload");
  json_builder_add_string_value (builder, self->payload);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * jd_event_to_json_line:
 *
 * Returns: (transfer full): the event as one compact JSON object, no newline
 */
char *
jd_event_to_json_line (JdEvent *self)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (JD_IS_EVENT (self), NULL);

  node = jd_event_to_json (self);
  return json_to_string (node, FALSE);
}

/**
 * jd_event_new_from_json:
 * @object: what jd_event_to_json() made
 *
 * Returns: (transfer full) (nullable): the event, or %NULL with @error set
 */
JdEvent *
jd_event_new_from_json (JsonObject  *object,
                        GError     **error)
{
  const char *time, *direction, *kind, *topic, *payload;
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (object != NULL, NULL);

  time = json_object_get_string_member_with_default (object, "time", NULL);
  direction = json_object_get_string_member_with_default (object, "direction", NULL);
  kind = json_object_get_string_member_with_default (object, "kind", NULL);
  topic = json_object_get_string_member_with_default (object, "topic", NULL);
  payload = json_object_get_string_member_with_default (object, "payload", "");
  when = time ? g_date_time_new_from_iso8601 (time, NULL) : NULL;

  if (when == NULL || direction == NULL || kind == NULL || topic == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "an event needs time, direction, kind and topic");
      return NULL;
    }

  bytes = g_bytes_new (payload, strlen (payload));
  return jd_event_new (when, g_str_equal (direction, "out") ? JD_EVENT_DIRECTION_OUT : JD_EVENT_DIRECTION_IN,
                       kind, topic, bytes);
}

/**
 * jd_event_get_job_id:
 *
 * Returns: (nullable): the job the event is about: the topic's job id, or
 *   for `$next`, start-next and notify-next the payload's execution's
 */
const char *
jd_event_get_job_id (JdEvent *self)
{
  JdTopicParts parts;

  g_return_val_if_fail (JD_IS_EVENT (self), NULL);

  if (self->job_id_known)
    return self->job_id;
  self->job_id_known = TRUE;

  if (jd_topic_parse (self->topic, -1, &parts) == JD_TOPIC_PARSE_OK &&
      parts.job_id != NULL && !jd_topic_is_next_job_id (parts.job_id, parts.job_id_len))
    {
      self->job_id = jd_topic_parts_dup_job_id (&parts);
      return self->job_id;
    }

  if (self->payload != NULL && strstr (self->payload, "\"execution\"") != NULL)
    {
      g_autoptr(JsonNode) root = json_from_string (self->payload, NULL);
      JsonNode *execution = NULL;

      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
        execution = json_object_get_member (json_node_get_object (root), "execution");
      if (execution != NULL && JSON_NODE_HOLDS_OBJECT (execution))
        self->job_id = g_strdup (json_object_get_string_member_with_default (json_node_get_object (execution),
                                                                             "jobId", NULL));
    }

  return self->job_id;
}

/* ---- JdEventLog ---- */

static JdEvent *
slot (JdEventLog *self,
      guint       position)
{
  return self->slots[(self->head + position) % self->cap];
}

static GType
jd_event_log_get_item_type (GListModel *model)
{
  return JD_TYPE_EVENT;
}

static guint
jd_event_log_get_n_items (GListModel *model)
{
  return JD_EVENT_LOG (model)->len;
}

static gpointer
jd_event_log_get_item (GListModel *model,
                       guint       position)
{
  JdEventLog *self = JD_EVENT_LOG (model);

  if (position >= self->len)
    return NULL;
  return g_object_ref (slot (self, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = jd_event_log_get_item_type;
  iface->get_n_items = jd_event_log_get_n_items;
  iface->get_item = jd_event_log_get_item;
}

static void
drop_oldest (JdEventLog *self,
             guint       count)
{
  for (guint i = 0; i < count; i++)
    {
      g_clear_object (&self->slots[self->head]);
      self->head = (self->head + 1) % self->cap;
      self->len--;
    }
}

static void
jd_event_log_finalize (GObject *object)
{
  JdEventLog *self = (JdEventLog *) object;

  drop_oldest (self, self->len);
  g_free (self->slots);

  G_OBJECT_CLASS (jd_event_log_parent_class)->finalize (object);
}

static void
jd_event_log_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  JdEventLog *self = JD_EVENT_LOG (object);

  switch (prop_id)
    {
    case LOG_PROP_CAP:
      g_value_set_uint (value, self->cap);
      break;
    case LOG_PROP_N_ITEMS:
      g_value_set_uint (value, self->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_event_log_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  JdEventLog *self = JD_EVENT_LOG (object);

  switch (prop_id)
    {
    case LOG_PROP_CAP:
      jd_event_log_set_cap (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_event_log_class_init (JdEventLogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = jd_event_log_finalize;
  object_class->get_property = jd_event_log_get_property;
  object_class->set_property = jd_event_log_set_property;

  log_properties[LOG_PROP_CAP] =
    g_param_spec_uint ("cap", NULL, NULL, 1, G_MAXINT, JD_EVENT_LOG_DEFAULT_CAP,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  log_properties[LOG_PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, LOG_N_PROPS, log_properties);
}

static void
jd_event_log_init (JdEventLog *self)
{
  self->cap = JD_EVENT_LOG_DEFAULT_CAP;
  self->slots = g_new0 (JdEvent *, self->cap);
}

/**
 * jd_event_log_new:
 * @cap: the most entries kept (0 for the default, 1000)
 *
 * Returns: (transfer full): an empty log
 */
JdEventLog *
jd_event_log_new (guint cap)
{
  JdEventLog *self = g_object_new (JD_TYPE_EVENT_LOG, NULL);

  if (cap > 0)
    jd_event_log_set_cap (self, cap);
  return self;
}

guint
jd_event_log_get_cap (JdEventLog *self)
{
  g_return_val_if_fail (JD_IS_EVENT_LOG (self), 0);
  return self->cap;
}

/**
 * jd_event_log_set_cap:
 * @self: a log
 * @cap: the most entries kept (at least 1)
 *
 * Lowering the cap drops the oldest entries at once.
 */
void
jd_event_log_set_cap (JdEventLog *self,
                      guint       cap)
{
  JdEvent **slots;
  guint drop, keep;

  g_return_if_fail (JD_IS_EVENT_LOG (self));
  g_return_if_fail (cap > 0 && cap <= G_MAXINT);

  if (cap == self->cap)
    return;

  drop = self->len > cap ? self->len - cap : 0;
  drop_oldest (self, drop);

  keep = self->len;
  slots = g_new0 (JdEvent *, cap);
  for (guint i = 0; i < keep; i++)
    slots[i] = slot (self, i);
  g_free (self->slots);
  self->slots = slots;
  self->head = 0;
  self->cap = cap;

  g_object_notify_by_pspec (G_OBJECT (self), log_properties[LOG_PROP_CAP]);
  if (drop > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), 0, drop, 0);
      g_object_notify_by_pspec (G_OBJECT (self), log_properties[LOG_PROP_N_ITEMS]);
    }
}

/**
 * jd_event_log_append:
 * @self: a log
 * @event: an event
 *
 * Adds @event at the end, dropping the oldest entry when full.
 */
void
jd_event_log_append (JdEventLog *self,
                     JdEvent    *event)
{
  gboolean full;

  g_return_if_fail (JD_IS_EVENT_LOG (self));
  g_return_if_fail (JD_IS_EVENT (event));

  full = self->len == self->cap;
  if (full)
    drop_oldest (self, 1);

  self->slots[(self->head + self->len) % self->cap] = g_object_ref (event);
  self->len++;

  if (full)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 1, 0);
  g_list_model_items_changed (G_LIST_MODEL (self), self->len - 1, 0, 1);
  if (!full)
    g_object_notify_by_pspec (G_OBJECT (self), log_properties[LOG_PROP_N_ITEMS]);
}

void
jd_event_log_clear (JdEventLog *self)
{
  guint len;

  g_return_if_fail (JD_IS_EVENT_LOG (self));

  len = self->len;
  if (len == 0)
    return;

  drop_oldest (self, len);
  self->head = 0;
  g_list_model_items_changed (G_LIST_MODEL (self), 0, len, 0);
  g_object_notify_by_pspec (G_OBJECT (self), log_properties[LOG_PROP_N_ITEMS]);
}

/**
 * jd_event_log_export:
 * @self: a log
 *
 * Returns: (transfer full): the entries, oldest first, as a pretty JSON array
 */
char *
jd_event_log_export (JdEventLog *self)
{
  g_autoptr(JsonNode) root = NULL;
  JsonArray *array;

  g_return_val_if_fail (JD_IS_EVENT_LOG (self), NULL);

  array = json_array_sized_new (self->len);
  for (guint i = 0; i < self->len; i++)
    json_array_add_element (array, jd_event_to_json (slot (self, i)));

  root = json_node_init_array (json_node_alloc (), array);
  json_array_unref (array);
  return json_to_string (root, TRUE);
}

/**
 * jd_event_log_to_json_lines:
 *
 * Returns: (transfer full): the entries, oldest first, one compact JSON
 *   object a line
 */
char *
jd_event_log_to_json_lines (JdEventLog *self)
{
  GString *text;

  g_return_val_if_fail (JD_IS_EVENT_LOG (self), NULL);

  text = g_string_new (NULL);
  for (guint i = 0; i < self->len; i++)
    {
      g_autofree char *line = jd_event_to_json_line (slot (self, i));

      g_string_append (text, line);
      g_string_append_c (text, '\n');
    }
  return g_string_free (text, FALSE);
}

/**
 * jd_event_log_parse_json_lines:
 * @text: JSON Lines as jd_event_log_to_json_lines() writes them
 *
 * Lines that are not events are skipped (a file cut short by a crash loses
 * its last line, not the rest).
 *
 * Returns: (transfer full) (element-type JdEvent): the events, in order
 */
GPtrArray *
jd_event_log_parse_json_lines (const char *text,
                               gsize       len)
{
  GPtrArray *events = g_ptr_array_new_with_free_func (g_object_unref);
  const char *p = text;
  const char *end = text + len;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      gsize line_len = (nl ? nl : end) - p;

      if (line_len > 0)
        {
          g_autofree char *line = g_strndup (p, line_len);
          g_autoptr(JsonNode) node = json_from_string (line, NULL);
          JdEvent *event;

          if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
              (event = jd_event_new_from_json (json_node_get_object (node), NULL)) != NULL)
            g_ptr_array_add (events, event);
        }
      p += line_len + 1;
    }

  return events;
}

/**
 * jd_event_log_prepend_history:
 * @events: (element-type JdEvent): older events, oldest first
 *
 * Puts @events before what the log holds, keeping within the cap (the
 * oldest of them go first).
 */
void
jd_event_log_prepend_history (JdEventLog *self,
                              GPtrArray  *events)
{
  JdEvent **slots;
  guint room, take, skip;

  g_return_if_fail (JD_IS_EVENT_LOG (self));
  g_return_if_fail (events != NULL);

  room = self->cap - self->len;
  take = MIN (room, events->len);
  if (take == 0)
    return;
  skip = events->len - take;

  slots = g_new0 (JdEvent *, self->cap);
  for (guint i = 0; i < take; i++)
    slots[i] = g_object_ref (g_ptr_array_index (events, skip + i));
  for (guint i = 0; i < self->len; i++)
    slots[take + i] = slot (self, i);
  g_free (self->slots);
  self->slots = slots;
  self->head = 0;
  self->len += take;

  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, take);
  g_object_notify_by_pspec (G_OBJECT (self), log_properties[LOG_PROP_N_ITEMS]);
}
