/* jd-target-picker.h — a job's targets chosen from lists, never typed: the
 * account's things (ListThings) and thing groups (ListThingGroups), loaded
 * through the session's control plane without blocking, searchable, several
 * at a time; each chosen target is a row with a Remove button.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jd-session.h"

G_BEGIN_DECLS

typedef enum {
  JD_TARGET_KIND_THING,
  JD_TARGET_KIND_GROUP,
} JdTargetKind;

typedef enum {
  JD_TARGET_PICKER_IDLE,      /* no control plane to ask */
  JD_TARGET_PICKER_LOADING,
  JD_TARGET_PICKER_READY,
  JD_TARGET_PICKER_FAILED,
} JdTargetPickerState;

#define JD_TYPE_TARGET_PICKER (jd_target_picker_get_type ())
G_DECLARE_FINAL_TYPE (JdTargetPicker, jd_target_picker, JD, TARGET_PICKER, GtkWidget)

GtkWidget           *jd_target_picker_new              (void);
/* Loads the lists from @session's control plane (again). */
void                 jd_target_picker_set_session      (JdTargetPicker *self,
                                                        JdSession      *session);
void                 jd_target_picker_reload           (JdTargetPicker *self);
JdTargetPickerState  jd_target_picker_get_state        (JdTargetPicker *self);
/* Why loading failed, in words; NULL unless FAILED. */
const char          *jd_target_picker_get_error        (JdTargetPicker *self);
/* How many things and groups the lists offer. */
guint                jd_target_picker_get_n_offered    (JdTargetPicker *self,
                                                        JdTargetKind    kind);
/* How many offered rows the search leaves visible. */
guint                jd_target_picker_get_n_shown      (JdTargetPicker *self);
void                 jd_target_picker_set_search       (JdTargetPicker *self,
                                                        const char     *text);

/* Chooses @name as a target (what ticking its row does); one not offered is
 * chosen too (a thing named by the caller), its ARN made from the session's
 * account. FALSE when it was chosen already. */
gboolean             jd_target_picker_choose           (JdTargetPicker *self,
                                                        JdTargetKind    kind,
                                                        const char     *name);
gboolean             jd_target_picker_unchoose         (JdTargetPicker *self,
                                                        JdTargetKind    kind,
                                                        const char     *name);
void                 jd_target_picker_clear            (JdTargetPicker *self);
guint                jd_target_picker_get_n_chosen     (JdTargetPicker *self,
                                                        JdTargetKind    kind);
/* The chosen names of one kind, in the order chosen. */
GStrv                jd_target_picker_dup_names        (JdTargetPicker *self,
                                                        JdTargetKind    kind);
/* Every chosen target's ARN, things and groups mixed as chosen; NULL while
 * an ARN cannot be made (the account is not known yet). */
GStrv                jd_target_picker_dup_arns         (JdTargetPicker *self);

G_END_DECLS
