/* jd-job-settings.c — "Rollout and Safety" in the New Job dialog.
 *
 * The rows only collect: their values become the CreateJob members as AWS
 * spells them (jd_job_settings_build) and the core's parser
 * (jd_job_config_parse) decides what is allowed, so the dialog, the CLI and
 * the service refuse the same input with the same words. The spin buttons'
 * ranges are wider than AWS's on purpose: a value beyond AWS's range is
 * said, not silently clamped. The section a refusal is about (by the member
 * it names) is marked, expanded and shown the message.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <string.h>

#include <glib/gi18n.h>

#include "jd-job-settings.h"

typedef struct {
  GtkWidget     *header;        /* "Criterion N" with Remove */
  AdwComboRow   *type;
  GtkWidget     *value_row;
  GtkSpinButton *value;         /* threshold %, or number of retries */
  GtkWidget     *min_row;       /* abort only */
  GtkSpinButton *min;
  gboolean       used;
} Slot;

struct _JdJobSettings
{
  GtkWidget            parent_instance;

  char                *problem;
  JdJobSettingsSection section;
  /* The widget the problem is about, marked with "error". */
  GtkWidget           *problem_widget;
  GtkWidget           *problem_rows[JD_JOB_SETTINGS_SCHEDULING + 1];

  GtkWidget           *box;
  AdwPreferencesGroup *group;
  GtkLabel            *hint;

  AdwExpanderRow      *rollout_row;
  AdwComboRow         *rate_row;
  GtkWidget           *max_row;
  GtkSpinButton       *max_spin;
  GtkWidget           *base_row;
  GtkSpinButton       *base_spin;
  GtkWidget           *factor_row;
  GtkSpinButton       *factor_spin;
  AdwComboRow         *criteria_row;
  GtkWidget           *things_row;
  GtkSpinButton       *things_spin;

  AdwExpanderRow      *abort_row;
  Slot                 aborts[JD_JOB_SETTINGS_ABORT_SLOTS];
  GtkWidget           *abort_add;

  AdwExpanderRow      *retry_row;
  Slot                 retries[JD_JOB_SETTINGS_RETRY_SLOTS];
  GtkWidget           *retry_add;

  GtkWidget           *timeout_row;
  GtkSpinButton       *timeout_spin;

  AdwExpanderRow      *schedule_row;
  AdwEntryRow         *start_row;
  AdwEntryRow         *end_row;
  AdwComboRow         *end_behavior_row;
};

G_DEFINE_FINAL_TYPE (JdJobSettings, jd_job_settings, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The failure types each list offers, in its order. */
static const JdFailureType abort_types[] = {
  JD_FAILURE_TYPE_FAILED, JD_FAILURE_TYPE_REJECTED, JD_FAILURE_TYPE_TIMED_OUT, JD_FAILURE_TYPE_ALL,
};
static const JdFailureType retry_types[] = {
  JD_FAILURE_TYPE_FAILED, JD_FAILURE_TYPE_TIMED_OUT, JD_FAILURE_TYPE_ALL,
};
static const JdEndBehavior end_behaviors[] = {
  JD_END_BEHAVIOR_STOP_ROLLOUT, JD_END_BEHAVIOR_CANCEL, JD_END_BEHAVIOR_FORCE_CANCEL,
};

static void
emit_changed (JdJobSettings *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static GtkWidget *
spin_row (JdJobSettings  *self,
          const char     *title,
          const char     *subtitle,
          double          lower,
          double          upper,
          double          step,
          guint           digits,
          GtkSpinButton **out)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (lower, upper, step);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), digits);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  /* Room for "1000.00" whatever the value: the column of spins lines up. */
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 7);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_RELATION_LABELLED_BY, row, NULL, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  g_signal_connect_swapped (spin, "value-changed", G_CALLBACK (emit_changed), self);
  *out = GTK_SPIN_BUTTON (spin);
  return row;
}

static AdwComboRow *
combo_row (JdJobSettings     *self,
           const char        *title,
           const char *const *items)
{
  GtkWidget *row = adw_combo_row_new ();
  GtkStringList *model = gtk_string_list_new (items);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  g_object_unref (model);
  g_signal_connect_swapped (row, "notify::selected", G_CALLBACK (emit_changed), self);
  return ADW_COMBO_ROW (row);
}

static AdwExpanderRow *
section_row (JdJobSettings *self,
             const char    *title,
             const char    *subtitle,
             const char    *icon_name)
{
  GtkWidget *row = adw_expander_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  adw_expander_row_set_icon_name (ADW_EXPANDER_ROW (row), icon_name);
  adw_expander_row_set_show_enable_switch (ADW_EXPANDER_ROW (row), TRUE);
  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (row), FALSE);
  g_signal_connect_swapped (row, "notify::enable-expansion", G_CALLBACK (emit_changed), self);
  adw_preferences_group_add (self->group, row);
  return ADW_EXPANDER_ROW (row);
}

/* The first row of a section: its problem in the core's words, when it has one. */
static GtkWidget *
problem_row (AdwExpanderRow *section)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_top (label, 8);
  gtk_widget_set_margin_bottom (label, 8);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_add_css_class (label, "error");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_visible (row, FALSE);
  adw_expander_row_add_row (section, row);
  return row;
}

/* Rollout: the rows of the exponential rate only with it. */
static void
rate_changed_cb (JdJobSettings *self)
{
  gboolean exponential = adw_combo_row_get_selected (self->rate_row) == 1;

  gtk_widget_set_visible (self->base_row, exponential);
  gtk_widget_set_visible (self->factor_row, exponential);
  gtk_widget_set_visible (GTK_WIDGET (self->criteria_row), exponential);
  gtk_widget_set_visible (self->things_row, exponential);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->max_row),
                               exponential ? _("A cap on the increasing rate; 0 for none")
                                           : _("Things notified of the job per minute"));
}

static void
update_slots (Slot      *slots,
              guint      n,
              GtkWidget *add)
{
  guint used = 0;

  for (guint i = 0; i < n; i++)
    {
      gtk_widget_set_visible (slots[i].header, slots[i].used);
      gtk_widget_set_visible (GTK_WIDGET (slots[i].type), slots[i].used);
      gtk_widget_set_visible (slots[i].value_row, slots[i].used);
      if (slots[i].min_row != NULL)
        gtk_widget_set_visible (slots[i].min_row, slots[i].used);
      used += slots[i].used;
    }
  gtk_widget_set_visible (add, used < n);
}

static void
update_all_slots (JdJobSettings *self)
{
  update_slots (self->aborts, JD_JOB_SETTINGS_ABORT_SLOTS, self->abort_add);
  update_slots (self->retries, JD_JOB_SETTINGS_RETRY_SLOTS, self->retry_add);
}

static void
slot_remove_clicked_cb (GtkButton     *button,
                        JdJobSettings *self)
{
  Slot *slot = g_object_get_data (G_OBJECT (button), "jd-slot");

  slot->used = FALSE;
  update_all_slots (self);
  emit_changed (self);
}

static Slot *
first_free (Slot  *slots,
            guint  n)
{
  for (guint i = 0; i < n; i++)
    if (!slots[i].used)
      return &slots[i];
  return NULL;
}

static void
abort_add_clicked_cb (JdJobSettings *self)
{
  Slot *slot = first_free (self->aborts, JD_JOB_SETTINGS_ABORT_SLOTS);

  if (slot == NULL)
    return;
  slot->used = TRUE;
  update_all_slots (self);
  gtk_widget_grab_focus (GTK_WIDGET (slot->type));
  emit_changed (self);
}

static void
retry_add_clicked_cb (JdJobSettings *self)
{
  Slot *slot = first_free (self->retries, JD_JOB_SETTINGS_RETRY_SLOTS);

  if (slot == NULL)
    return;
  slot->used = TRUE;
  update_all_slots (self);
  gtk_widget_grab_focus (GTK_WIDGET (slot->type));
  emit_changed (self);
}

static GtkWidget *
slot_header (JdJobSettings *self,
             Slot          *slot,
             guint          number)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("edit-delete-symbolic");
  /* Translators: a numbered abort or retry criterion */
  g_autofree char *title = g_strdup_printf (_("Criterion %u"), number);
  /* Translators: %u numbers an abort or retry criterion */
  g_autofree char *remove_words = g_strdup_printf (_("Remove criterion %u"), number);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_add_css_class (row, "jd-criterion-header");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, remove_words);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_words, -1);
  g_object_set_data (G_OBJECT (remove), "jd-slot", slot);
  g_signal_connect (remove, "clicked", G_CALLBACK (slot_remove_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
  return row;
}

static GtkWidget *
add_button_row (JdJobSettings *self,
                const char    *label,
                GCallback      callback)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_margin_top (button, 6);
  gtk_widget_set_margin_bottom (button, 6);
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (button, "clicked", callback, self);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), button);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

static void
build_rollout (JdJobSettings *self)
{
  const char *const rates[] = { _("Constant"), _("Increasing"), NULL };
  const char *const criteria[] = { _("Notified things"), _("Succeeded things"), NULL };

  self->rollout_row = section_row (self, _("Rollout"), _("How fast things are notified"),
                                   "media-playlist-consecutive-symbolic");
  self->problem_rows[JD_JOB_SETTINGS_ROLLOUT] = problem_row (self->rollout_row);
  self->rate_row = combo_row (self, _("_Rate"), rates);
  g_signal_connect_swapped (self->rate_row, "notify::selected", G_CALLBACK (rate_changed_cb), self);
  adw_expander_row_add_row (self->rollout_row, GTK_WIDGET (self->rate_row));
  self->max_row = spin_row (self, _("_Maximum per minute"), NULL, 0, 100000, 1, 0, &self->max_spin);
  gtk_spin_button_set_value (self->max_spin, 100);
  adw_expander_row_add_row (self->rollout_row, self->max_row);
  self->base_row = spin_row (self, _("_Base rate per minute"), _("The rate to start with"),
                             0, 100000, 1, 0, &self->base_spin);
  gtk_spin_button_set_value (self->base_spin, 10);
  adw_expander_row_add_row (self->rollout_row, self->base_row);
  self->factor_row = spin_row (self, _("Increment _factor"), _("The rate is multiplied by this at each step"),
                               0, 100, 0.1, 1, &self->factor_spin);
  gtk_spin_button_set_value (self->factor_spin, 2.0);
  adw_expander_row_add_row (self->rollout_row, self->factor_row);
  self->criteria_row = combo_row (self, _("_Increase after"), criteria);
  adw_expander_row_add_row (self->rollout_row, GTK_WIDGET (self->criteria_row));
  self->things_row = spin_row (self, _("Number of _things"), _("A step is taken each time this many more are done"),
                               0, 1000000000, 1, 0, &self->things_spin);
  gtk_spin_button_set_value (self->things_spin, 10);
  adw_expander_row_add_row (self->rollout_row, self->things_row);
  rate_changed_cb (self);
}

static void
build_abort (JdJobSettings *self)
{
  const char *const types[] = { _("Failed"), _("Rejected"), _("Timed out"), _("Any failure"), NULL };

  self->abort_row = section_row (self, _("Abort"), _("Cancel the job when too many executions fail"),
                                 "process-stop-symbolic");
  self->problem_rows[JD_JOB_SETTINGS_ABORT] = problem_row (self->abort_row);
  for (guint i = 0; i < JD_JOB_SETTINGS_ABORT_SLOTS; i++)
    {
      Slot *slot = &self->aborts[i];

      slot->header = slot_header (self, slot, i + 1);
      adw_expander_row_add_row (self->abort_row, slot->header);
      slot->type = combo_row (self, _("_Failure type"), types);
      adw_combo_row_set_selected (slot->type, i % G_N_ELEMENTS (abort_types));
      adw_expander_row_add_row (self->abort_row, GTK_WIDGET (slot->type));
      slot->value_row = spin_row (self, _("_Threshold (%)"), _("Share of executed things that fail this way"),
                                  0, 1000, 1, 2, &slot->value);
      gtk_spin_button_set_value (slot->value, 10);
      adw_expander_row_add_row (self->abort_row, slot->value_row);
      slot->min_row = spin_row (self, _("Minimum _executed things"), _("Checked only after this many are done"),
                                0, 1000000000, 1, 0, &slot->min);
      gtk_spin_button_set_value (slot->min, 10);
      adw_expander_row_add_row (self->abort_row, slot->min_row);
    }
  self->aborts[0].used = TRUE;
  self->abort_add = add_button_row (self, _("_Add Abort Criterion"), G_CALLBACK (abort_add_clicked_cb));
  adw_expander_row_add_row (self->abort_row, self->abort_add);
}

static void
build_retry (JdJobSettings *self)
{
  const char *const types[] = { _("Failed"), _("Timed out"), _("Any failure"), NULL };

  self->retry_row = section_row (self, _("Retries"), _("Run failed executions again"),
                                 "view-refresh-symbolic");
  self->problem_rows[JD_JOB_SETTINGS_RETRY] = problem_row (self->retry_row);
  for (guint i = 0; i < JD_JOB_SETTINGS_RETRY_SLOTS; i++)
    {
      Slot *slot = &self->retries[i];

      slot->header = slot_header (self, slot, i + 1);
      adw_expander_row_add_row (self->retry_row, slot->header);
      slot->type = combo_row (self, _("Retry _when"), types);
      adw_combo_row_set_selected (slot->type, i);
      adw_expander_row_add_row (self->retry_row, GTK_WIDGET (slot->type));
      slot->value_row = spin_row (self, _("_Number of retries"), NULL, 0, 100, 1, 0, &slot->value);
      gtk_spin_button_set_value (slot->value, 1);
      adw_expander_row_add_row (self->retry_row, slot->value_row);
    }
  self->retries[0].used = TRUE;
  self->retry_add = add_button_row (self, _("A_dd Retry Criterion"), G_CALLBACK (retry_add_clicked_cb));
  adw_expander_row_add_row (self->retry_row, self->retry_add);
}

static void
build_schedule (JdJobSettings *self)
{
  const char *const behaviors[] = { _("Stop the rollout"), _("Cancel the job"), _("Force-cancel the job"), NULL };
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  /* Forty minutes ahead, on the minute: past AWS's 30-minute lead. */
  g_autoptr(GDateTime) start = g_date_time_add_minutes (now, 40);
  g_autofree char *start_text = g_date_time_format (start, "%Y-%m-%d %H:%M");

  self->schedule_row = section_row (self, _("Scheduling"), _("Start later, or stop at a set time"),
                                    "alarm-symbolic");
  self->problem_rows[JD_JOB_SETTINGS_SCHEDULING] = problem_row (self->schedule_row);
  self->start_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->start_row), _("_Start (UTC, at least 30 minutes ahead)"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->start_row), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->start_row), start_text);
  g_signal_connect_swapped (self->start_row, "changed", G_CALLBACK (emit_changed), self);
  adw_expander_row_add_row (self->schedule_row, GTK_WIDGET (self->start_row));
  self->end_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->end_row), _("_End (UTC, optional)"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->end_row), TRUE);
  g_signal_connect_swapped (self->end_row, "changed", G_CALLBACK (emit_changed), self);
  adw_expander_row_add_row (self->schedule_row, GTK_WIDGET (self->end_row));
  self->end_behavior_row = combo_row (self, _("At the _end"), behaviors);
  adw_expander_row_add_row (self->schedule_row, GTK_WIDGET (self->end_behavior_row));
}

/* "2026-12-31 23:30" as AWS wants it ("2026-12-31T23:30"); as typed when
 * it is no time (the core then says so). */
static char *
iso_time (const char *text)
{
  gint64 t = jd_job_config_parse_time (text);
  g_autoptr(GDateTime) dt = NULL;

  if (t < 0)
    return g_strdup (text);
  dt = g_date_time_new_from_unix_utc (t);
  return g_date_time_format (dt, "%Y-%m-%dT%H:%M");
}

static gint64
spin_int (GtkSpinButton *spin)
{
  gtk_spin_button_update (spin);
  return (gint64) gtk_spin_button_get_value (spin);
}

static double
spin_double (GtkSpinButton *spin)
{
  gtk_spin_button_update (spin);
  return gtk_spin_button_get_value (spin);
}

static JdJobSettingsSection
section_of (const char *message)
{
  if (strstr (message, "abortConfig") != NULL)
    return JD_JOB_SETTINGS_ABORT;
  if (strstr (message, "RetryConfig") != NULL)
    return JD_JOB_SETTINGS_RETRY;
  if (strstr (message, "timeoutConfig") != NULL)
    return JD_JOB_SETTINGS_TIMEOUT;
  if (strstr (message, "schedulingConfig") != NULL)
    return JD_JOB_SETTINGS_SCHEDULING;
  return JD_JOB_SETTINGS_ROLLOUT;
}

/* The @n-th (from 1) criterion in use. */
static Slot *
used_slot (Slot  *slots,
           guint  n_slots,
           guint  n)
{
  for (guint i = 0; i < n_slots; i++)
    if (slots[i].used && --n == 0)
      return &slots[i];
  return NULL;
}

/* The row or spin button a refusal names ("…criteriaList.2.member.
 * thresholdPercentage" is the second criterion's threshold); NULL when it
 * names none in particular. */
static GtkWidget *
field_of (JdJobSettings *self,
          const char    *message)
{
  const char *list = strstr (message, "criteriaList.");
  guint n = list != NULL ? (guint) g_ascii_strtoull (list + strlen ("criteriaList."), NULL, 10) : 0;
  Slot *slot;

  if (strstr (message, "abortConfig") != NULL)
    {
      slot = used_slot (self->aborts, JD_JOB_SETTINGS_ABORT_SLOTS, n);
      if (slot == NULL)
        return NULL;
      if (strstr (message, "thresholdPercentage") != NULL)
        return GTK_WIDGET (slot->value);
      if (strstr (message, "minNumberOfExecutedThings") != NULL)
        return GTK_WIDGET (slot->min);
      return GTK_WIDGET (slot->type);
    }
  if (strstr (message, "RetryConfig") != NULL)
    {
      slot = used_slot (self->retries, JD_JOB_SETTINGS_RETRY_SLOTS, n);
      if (slot == NULL)
        return NULL;
      return strstr (message, "numberOfRetries") != NULL ? GTK_WIDGET (slot->value) : GTK_WIDGET (slot->type);
    }
  if (strstr (message, "timeoutConfig") != NULL)
    return GTK_WIDGET (self->timeout_spin);
  if (strstr (message, "startTime") != NULL)
    return GTK_WIDGET (self->start_row);
  if (strstr (message, "endTime") != NULL)
    return GTK_WIDGET (self->end_row);
  if (strstr (message, "baseRatePerMinute") != NULL)
    return GTK_WIDGET (self->base_spin);
  if (strstr (message, "incrementFactor") != NULL)
    return GTK_WIDGET (self->factor_spin);
  if (strstr (message, "maximumPerMinute") != NULL)
    return GTK_WIDGET (self->max_spin);
  if (strstr (message, "NotifiedThings") != NULL || strstr (message, "SucceededThings") != NULL ||
      strstr (message, "rateIncreaseCriteria") != NULL)
    return GTK_WIDGET (self->things_spin);
  return NULL;
}

static GtkWidget *
section_widget (JdJobSettings        *self,
                JdJobSettingsSection  section)
{
  switch (section)
    {
    case JD_JOB_SETTINGS_ROLLOUT:
      return GTK_WIDGET (self->rollout_row);
    case JD_JOB_SETTINGS_ABORT:
      return GTK_WIDGET (self->abort_row);
    case JD_JOB_SETTINGS_RETRY:
      return GTK_WIDGET (self->retry_row);
    case JD_JOB_SETTINGS_TIMEOUT:
      return self->timeout_row;
    case JD_JOB_SETTINGS_SCHEDULING:
      return GTK_WIDGET (self->schedule_row);
    case JD_JOB_SETTINGS_NONE:
    default:
      return NULL;
    }
}

static void
jd_job_settings_dispose (GObject *object)
{
  JdJobSettings *self = JD_JOB_SETTINGS (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);

  G_OBJECT_CLASS (jd_job_settings_parent_class)->dispose (object);
}

static void
jd_job_settings_finalize (GObject *object)
{
  JdJobSettings *self = JD_JOB_SETTINGS (object);

  g_free (self->problem);

  G_OBJECT_CLASS (jd_job_settings_parent_class)->finalize (object);
}

static void
jd_job_settings_class_init (JdJobSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jd_job_settings_dispose;
  object_class->finalize = jd_job_settings_finalize;

  /**
   * JdJobSettings::changed:
   *
   * A setting changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "jdjobsettings");
}

static void
jd_job_settings_init (JdJobSettings *self)
{
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->group, _("Rollout and Safety"));
  adw_preferences_group_set_description (self->group, _("For fleets: how fast the job spreads, when it stops, "
                                                        "what is retried, and when it runs"));
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->group));

  build_rollout (self);
  build_abort (self);
  build_retry (self);
  self->timeout_row = spin_row (self, _("In-Progress _Timeout"), _("Minutes before an execution times out; 0 for none"),
                                0, 100000, 1, 0, &self->timeout_spin);
  adw_action_row_set_icon_name (ADW_ACTION_ROW (self->timeout_row), "preferences-system-time-symbolic");
  adw_preferences_group_add (self->group, self->timeout_row);
  build_schedule (self);
  update_all_slots (self);

  self->hint = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->hint, 0);
  gtk_label_set_wrap (self->hint, TRUE);
  gtk_label_set_wrap_mode (self->hint, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (self->hint, TRUE);
  gtk_widget_set_margin_start (GTK_WIDGET (self->hint), 12);
  gtk_widget_add_css_class (GTK_WIDGET (self->hint), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (self->hint), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->hint), FALSE);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->hint));
}

GtkWidget *
jd_job_settings_new (void)
{
  return g_object_new (JD_TYPE_JOB_SETTINGS, NULL);
}

/**
 * jd_job_settings_build:
 *
 * Returns: (transfer full): a JSON object with the CreateJob members the
 *   enabled sections set, in AWS's shapes
 */
JsonNode *
jd_job_settings_build (JdJobSettings *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  gint64 timeout;

  g_return_val_if_fail (JD_IS_JOB_SETTINGS (self), NULL);

  json_builder_begin_object (b);

  if (adw_expander_row_get_enable_expansion (self->rollout_row))
    {
      gint64 maximum = spin_int (self->max_spin);

      json_builder_set_member_name (b, "jobExecutionsRolloutConfig");
      json_builder_begin_object (b);
      if (adw_combo_row_get_selected (self->rate_row) == 1)
        {
          json_builder_set_member_name (b, "exponentialRate");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "baseRatePerMinute");
          json_builder_add_int_value (b, spin_int (self->base_spin));
          json_builder_set_member_name (b, "incrementFactor");
          json_builder_add_double_value (b, spin_double (self->factor_spin));
          json_builder_set_member_name (b, "rateIncreaseCriteria");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, adw_combo_row_get_selected (self->criteria_row) == 1
                                             ? "numberOfSucceededThings" : "numberOfNotifiedThings");
          json_builder_add_int_value (b, spin_int (self->things_spin));
          json_builder_end_object (b);
          json_builder_end_object (b);
          /* With an increasing rate the maximum is an optional cap. */
          if (maximum > 0)
            {
              json_builder_set_member_name (b, "maximumPerMinute");
              json_builder_add_int_value (b, maximum);
            }
        }
      else
        {
          json_builder_set_member_name (b, "maximumPerMinute");
          json_builder_add_int_value (b, maximum);
        }
      json_builder_end_object (b);
    }

  if (adw_expander_row_get_enable_expansion (self->abort_row))
    {
      json_builder_set_member_name (b, "abortConfig");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "criteriaList");
      json_builder_begin_array (b);
      for (guint i = 0; i < JD_JOB_SETTINGS_ABORT_SLOTS; i++)
        {
          Slot *slot = &self->aborts[i];

          if (!slot->used)
            continue;
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "failureType");
          json_builder_add_string_value (b, jd_failure_type_to_string (abort_types[adw_combo_row_get_selected (slot->type)]));
          json_builder_set_member_name (b, "action");
          json_builder_add_string_value (b, "CANCEL");
          json_builder_set_member_name (b, "thresholdPercentage");
          json_builder_add_double_value (b, spin_double (slot->value));
          json_builder_set_member_name (b, "minNumberOfExecutedThings");
          json_builder_add_int_value (b, spin_int (slot->min));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }

  if (adw_expander_row_get_enable_expansion (self->retry_row))
    {
      json_builder_set_member_name (b, "jobExecutionsRetryConfig");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "criteriaList");
      json_builder_begin_array (b);
      for (guint i = 0; i < JD_JOB_SETTINGS_RETRY_SLOTS; i++)
        {
          Slot *slot = &self->retries[i];

          if (!slot->used)
            continue;
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "failureType");
          json_builder_add_string_value (b, jd_failure_type_to_string (retry_types[adw_combo_row_get_selected (slot->type)]));
          json_builder_set_member_name (b, "numberOfRetries");
          json_builder_add_int_value (b, spin_int (slot->value));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }

  timeout = spin_int (self->timeout_spin);
  if (timeout > 0)
    {
      json_builder_set_member_name (b, "timeoutConfig");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "inProgressTimeoutInMinutes");
      json_builder_add_int_value (b, timeout);
      json_builder_end_object (b);
    }

  if (adw_expander_row_get_enable_expansion (self->schedule_row))
    {
      g_autofree char *start = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->start_row))));
      g_autofree char *end = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->end_row))));

      json_builder_set_member_name (b, "schedulingConfig");
      json_builder_begin_object (b);
      if (start[0] != '\0')
        {
          g_autofree char *iso = iso_time (start);

          json_builder_set_member_name (b, "startTime");
          json_builder_add_string_value (b, iso);
        }
      if (end[0] != '\0')
        {
          g_autofree char *iso = iso_time (end);

          json_builder_set_member_name (b, "endTime");
          json_builder_add_string_value (b, iso);
          json_builder_set_member_name (b, "endBehavior");
          json_builder_add_string_value (b, jd_end_behavior_to_string (
                                           end_behaviors[adw_combo_row_get_selected (self->end_behavior_row)]));
        }
      json_builder_end_object (b);
    }

  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/**
 * jd_job_settings_validate:
 *
 * Returns: (transfer full) (nullable): the settings the core read, or %NULL
 *   when it refused them (the message is then at the section)
 */
JdJobConfig *
jd_job_settings_validate (JdJobSettings *self,
                          gint64         now)
{
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  JdJobConfig *config;
  GtkWidget *previous;

  g_return_val_if_fail (JD_IS_JOB_SETTINGS (self), NULL);

  body = jd_job_settings_build (self);
  config = jd_job_config_parse (json_node_get_object (body), now, &error);

  previous = self->problem_rows[self->section];
  if (previous != NULL)
    gtk_widget_set_visible (previous, FALSE);
  if (self->problem_widget != NULL)
    gtk_widget_remove_css_class (self->problem_widget, "error");
  self->problem_widget = NULL;
  g_clear_pointer (&self->problem, g_free);
  self->section = JD_JOB_SETTINGS_NONE;

  if (config == NULL)
    {
      GtkWidget *row;

      self->problem = g_strdup (error->message);
      self->section = section_of (error->message);
      self->problem_widget = field_of (self, error->message);
      if (self->problem_widget != NULL)
        gtk_widget_add_css_class (self->problem_widget, "error");
      row = self->problem_rows[self->section];
      if (row != NULL)
        {
          gtk_label_set_label (GTK_LABEL (gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row))), self->problem);
          gtk_widget_set_visible (row, TRUE);
          adw_expander_row_set_expanded (ADW_EXPANDER_ROW (section_widget (self, self->section)), TRUE);
        }
    }
  /* The timeout has no section of its own: its problem goes under the group. */
  gtk_label_set_label (self->hint, self->section == JD_JOB_SETTINGS_TIMEOUT ? self->problem : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->hint), self->section == JD_JOB_SETTINGS_TIMEOUT);
  return config;
}

const char *
jd_job_settings_get_problem (JdJobSettings *self)
{
  g_return_val_if_fail (JD_IS_JOB_SETTINGS (self), NULL);

  return self->problem;
}

JdJobSettingsSection
jd_job_settings_get_problem_section (JdJobSettings *self)
{
  g_return_val_if_fail (JD_IS_JOB_SETTINGS (self), JD_JOB_SETTINGS_NONE);

  return self->section;
}

void
jd_job_settings_focus_problem (JdJobSettings *self)
{
  GtkWidget *row;

  g_return_if_fail (JD_IS_JOB_SETTINGS (self));

  row = self->problem_widget ? self->problem_widget : section_widget (self, self->section);
  if (row != NULL)
    gtk_widget_grab_focus (row);
}

void
jd_job_settings_set_constant_rollout (JdJobSettings *self,
                                      gint64         maximum_per_minute)
{
  g_return_if_fail (JD_IS_JOB_SETTINGS (self));

  adw_combo_row_set_selected (self->rate_row, 0);
  gtk_spin_button_set_value (self->max_spin, (double) maximum_per_minute);
  adw_expander_row_set_enable_expansion (self->rollout_row, TRUE);
}

void
jd_job_settings_set_exponential_rollout (JdJobSettings *self,
                                         gint64         base_rate,
                                         double         factor,
                                         gboolean       by_succeeded,
                                         gint64         things,
                                         gint64         maximum_per_minute)
{
  g_return_if_fail (JD_IS_JOB_SETTINGS (self));

  adw_combo_row_set_selected (self->rate_row, 1);
  gtk_spin_button_set_value (self->base_spin, (double) base_rate);
  gtk_spin_button_set_value (self->factor_spin, factor);
  adw_combo_row_set_selected (self->criteria_row, by_succeeded ? 1 : 0);
  gtk_spin_button_set_value (self->things_spin, (double) things);
  gtk_spin_button_set_value (self->max_spin, (double) maximum_per_minute);
  adw_expander_row_set_enable_expansion (self->rollout_row, TRUE);
}

void
jd_job_settings_clear_rollout (JdJobSettings *self)
{
  g_return_if_fail (JD_IS_JOB_SETTINGS (self));

  adw_expander_row_set_enable_expansion (self->rollout_row, FALSE);
}

static guint
type_index (const JdFailureType *types,
            guint                n,
            JdFailureType        type)
{
  for (guint i = 0; i < n; i++)
    if (types[i] == type)
      return i;
  g_return_val_if_reached (0);
}

/* The first call uses the criterion shown when the section is switched on;
 * later ones add more. */
gboolean
jd_job_settings_add_abort (JdJobSettings *self,
                           JdFailureType  type,
                           double         threshold_percentage,
                           gint64         min_executed)
{
  Slot *slot;

  g_return_val_if_fail (JD_IS_JOB_SETTINGS (self), FALSE);

  if (!adw_expander_row_get_enable_expansion (self->abort_row))
    {
      for (guint i = 0; i < JD_JOB_SETTINGS_ABORT_SLOTS; i++)
        self->aborts[i].used = FALSE;
      adw_expander_row_set_enable_expansion (self->abort_row, TRUE);
    }
  slot = first_free (self->aborts, JD_JOB_SETTINGS_ABORT_SLOTS);
  if (slot == NULL)
    return FALSE;
  slot->used = TRUE;
  adw_combo_row_set_selected (slot->type, type_index (abort_types, G_N_ELEMENTS (abort_types), type));
  gtk_spin_button_set_value (slot->value, threshold_percentage);
  gtk_spin_button_set_value (slot->min, (double) min_executed);
  update_all_slots (self);
  emit_changed (self);
  return TRUE;
}

gboolean
jd_job_settings_add_retry (JdJobSettings *self,
                           JdFailureType  type,
                           int            retries)
{
  Slot *slot;

  g_return_val_if_fail (JD_IS_JOB_SETTINGS (self), FALSE);

  if (!adw_expander_row_get_enable_expansion (self->retry_row))
    {
      for (guint i = 0; i < JD_JOB_SETTINGS_RETRY_SLOTS; i++)
        self->retries[i].used = FALSE;
      adw_expander_row_set_enable_expansion (self->retry_row, TRUE);
    }
  slot = first_free (self->retries, JD_JOB_SETTINGS_RETRY_SLOTS);
  if (slot == NULL)
    return FALSE;
  slot->used = TRUE;
  adw_combo_row_set_selected (slot->type, type_index (retry_types, G_N_ELEMENTS (retry_types), type));
  gtk_spin_button_set_value (slot->value, retries);
  update_all_slots (self);
  emit_changed (self);
  return TRUE;
}

void
jd_job_settings_set_timeout (JdJobSettings *self,
                             gint64         minutes)
{
  g_return_if_fail (JD_IS_JOB_SETTINGS (self));

  gtk_spin_button_set_value (self->timeout_spin, (double) minutes);
}

gint64
jd_job_settings_get_timeout (JdJobSettings *self)
{
  g_return_val_if_fail (JD_IS_JOB_SETTINGS (self), 0);

  return spin_int (self->timeout_spin);
}

void
jd_job_settings_set_schedule (JdJobSettings *self,
                              const char    *start,
                              const char    *end,
                              JdEndBehavior  behavior)
{
  g_return_if_fail (JD_IS_JOB_SETTINGS (self));

  gtk_editable_set_text (GTK_EDITABLE (self->start_row), start ? start : "");
  gtk_editable_set_text (GTK_EDITABLE (self->end_row), end ? end : "");
  for (guint i = 0; i < G_N_ELEMENTS (end_behaviors); i++)
    if (end_behaviors[i] == behavior)
      adw_combo_row_set_selected (self->end_behavior_row, i);
  adw_expander_row_set_enable_expansion (self->schedule_row, start != NULL || end != NULL);
}
