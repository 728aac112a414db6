/* jd-template-chooser.h — the New Job dialog's job template: none (the user
 * writes a document), one of the account's own (ListJobTemplates) or one of
 * AWS's managed templates (ListManagedJobTemplates), listed through the
 * session's control plane without blocking. A managed template's
 * documentParameters are a form checked as the user types by the core's
 * rules; the document is shown read-only (a managed one with the values
 * filled in, a custom one as DescribeJobTemplate gives it).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jd-session.h"

G_BEGIN_DECLS

typedef enum {
  JD_TEMPLATE_KIND_NONE,
  JD_TEMPLATE_KIND_CUSTOM,
  JD_TEMPLATE_KIND_MANAGED,
} JdTemplateKind;

typedef enum {
  JD_TEMPLATE_CHOOSER_IDLE,      /* no control plane to ask */
  JD_TEMPLATE_CHOOSER_LOADING,
  JD_TEMPLATE_CHOOSER_READY,
  JD_TEMPLATE_CHOOSER_FAILED,
} JdTemplateChooserState;

#define JD_TYPE_TEMPLATE_CHOOSER (jd_template_chooser_get_type ())
G_DECLARE_FINAL_TYPE (JdTemplateChooser, jd_template_chooser, JD, TEMPLATE_CHOOSER, GtkWidget)

/* Lists the templates from @session's control plane (again). */
void                    jd_template_chooser_set_session   (JdTemplateChooser *self,
                                                           JdSession         *session);
void                    jd_template_chooser_reload        (JdTemplateChooser *self);
JdTemplateChooserState  jd_template_chooser_get_state     (JdTemplateChooser *self);
/* Why listing failed, in words; NULL unless FAILED. */
const char             *jd_template_chooser_get_error     (JdTemplateChooser *self);
guint                   jd_template_chooser_get_n_offered (JdTemplateChooser *self,
                                                           JdTemplateKind     kind);
/* The names offered, as the list shows them ("None" first). */
GStrv                   jd_template_chooser_dup_offered   (JdTemplateChooser *self);
/* Chooses the template named @name (a managed template's name or a custom
 * template's id); NULL: none. FALSE when it is not offered. */
gboolean                jd_template_chooser_select        (JdTemplateChooser *self,
                                                           const char        *name);
JdTemplateKind          jd_template_chooser_get_kind      (JdTemplateChooser *self);
/* The chosen template's ARN; NULL for none. */
const char             *jd_template_chooser_get_arn       (JdTemplateChooser *self);
/* The chosen managed template's parameter rows. */
AdwEntryRow            *jd_template_chooser_get_parameter_row (JdTemplateChooser *self,
                                                               const char        *key);
/* key → value of the parameters typed (empty ones left out); NULL unless
 * a managed template is chosen. */
GHashTable             *jd_template_chooser_dup_parameters (JdTemplateChooser *self);
/* Why a job cannot be made from the chosen template yet, in words; NULL
 * when it can (or none is chosen). */
const char             *jd_template_chooser_get_problem   (JdTemplateChooser *self);
/* The document the job will have, as shown; NULL for none. */
char                   *jd_template_chooser_dup_document  (JdTemplateChooser *self);

G_END_DECLS
