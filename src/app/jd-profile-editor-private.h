/* jd-profile-editor-private.h — JdProfileEditor's instance, shared by its
 * form (jd-profile-editor.c) and its connection test
 * (jd-profile-editor-test.c). Private to src/app.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jd-profile.h"
#include "jd-profile-editor.h"

G_BEGIN_DECLS

struct _JdProfileEditor
{
  AdwWindow             parent_instance;

  GSettings            *settings;
  char                 *profile_id;
  JdProfile            *draft;
  gboolean              is_new;

  GCancellable         *cancellable;       /* secrets loading; cancelled on dispose */
  GCancellable         *validate_cancellable;
  GCancellable         *test_cancellable;
  GtkFileChooserNative *chooser;

  GHashTable           *fields;            /* key → Field */
  GHashTable           *problems;          /* key → message */
  GHashTable           *touched;           /* keys the user changed */
  guint                 validate_id;
  gboolean              validating;
  gboolean              loading;
  guint                 secrets_pending;
  gboolean              had_credentials;
  gboolean              had_passphrase;
  gboolean              saving;
  gboolean              can_save;
  gboolean              edited;            /* changed since opened or saved */
  gboolean              discard_confirmed; /* close without asking again */
  gboolean              disposed;

  gboolean              testing;
  guint                 tests_pending;
  char                 *mqtt_result;
  char                 *cp_result;

  /* Template children */
  AdwWindowTitle       *window_title;
  GtkButton            *save_button;
  GtkRevealer          *error_revealer;
  GtkLabel             *error_label;
  AdwEntryRow          *name_row;
  AdwEntryRow          *endpoint_row;
  AdwComboRow          *port_row;
  AdwEntryRow          *thing_row;
  AdwEntryRow          *client_id_row;
  AdwActionRow         *cert_row;
  AdwActionRow         *key_row;
  AdwPasswordEntryRow  *passphrase_row;
  AdwActionRow         *ca_row;
  GtkButton            *ca_clear_button;
  AdwEntryRow          *region_row;
  AdwEntryRow          *control_plane_row;
  AdwComboRow          *credentials_row;
  AdwEntryRow          *aws_profile_row;
  AdwEntryRow          *access_key_row;
  AdwPasswordEntryRow  *secret_row;
  AdwPasswordEntryRow  *token_row;
  GtkSpinner           *test_spinner;
  AdwActionRow         *mqtt_result_row;
  GtkImage             *mqtt_result_icon;
  AdwActionRow         *cp_result_row;
  GtkImage             *cp_result_icon;
};

const char                 *_jd_profile_editor_row_text        (gpointer         row);
gboolean                    _jd_profile_editor_str_empty       (const char      *s);
JdProfileCredentialsSource  _jd_profile_editor_current_source  (JdProfileEditor *self);
/* Notifies :testing; with @finished also emits ::test-finished. */
void                        _jd_profile_editor_notify_testing  (JdProfileEditor *self,
                                                                gboolean         finished);

G_END_DECLS
