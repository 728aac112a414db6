/* jd-attach-file-dialog.h — Attach Signed File: pick a file, sign it (the
 * sandbox's code-signing identity, or the user's own PEM key and
 * certificate), upload it to the sandbox's file store, and hand the document
 * fragment (afr_ota or codesign) to the New Job dialog. Against AWS, a file
 * that already has a URL and a signature is referenced instead.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "jd-codesign.h"
#include "jd-session.h"

G_BEGIN_DECLS

/* The field a problem is shown at. */
typedef enum {
  JD_ATTACH_FIELD_NONE,        /* at the top of the dialog (upload, sandbox) */
  JD_ATTACH_FIELD_FILE,
  JD_ATTACH_FIELD_KEY,
  JD_ATTACH_FIELD_CERTIFICATE,
  JD_ATTACH_FIELD_PASSPHRASE,
  JD_ATTACH_FIELD_URL,
  JD_ATTACH_FIELD_SIGNATURE,
} JdAttachField;

#define JD_TYPE_ATTACH_FILE_DIALOG (jd_attach_file_dialog_get_type ())

G_DECLARE_FINAL_TYPE (JdAttachFileDialog, jd_attach_file_dialog, JD, ATTACH_FILE_DIALOG, AdwWindow)

/* @session (nullable): a sandbox's session offers its file store and its
 * code-signing identity; any other (or none) signs for a URL or references
 * one. */
JdAttachFileDialog *jd_attach_file_dialog_new              (GtkWindow          *parent,
                                                            JdSession          *session);

gboolean            jd_attach_file_dialog_get_can_upload   (JdAttachFileDialog *self);
gboolean            jd_attach_file_dialog_get_busy         (JdAttachFileDialog *self);
/* 0–1 while the file goes up. */
double              jd_attach_file_dialog_get_progress     (JdAttachFileDialog *self);
/* The problem shown, and where; NULL / JD_ATTACH_FIELD_NONE when none. */
const char         *jd_attach_file_dialog_get_problem      (JdAttachFileDialog *self);
JdAttachField       jd_attach_file_dialog_get_problem_field (JdAttachFileDialog *self);

/* What the rows and file choosers set, for tests and scripted use. */
void                jd_attach_file_dialog_set_file         (JdAttachFileDialog *self,
                                                            GFile              *file);
/* Selects "My own key". */
void                jd_attach_file_dialog_set_own_identity (JdAttachFileDialog *self,
                                                            const char         *key_path,
                                                            const char         *certificate_path);
void                jd_attach_file_dialog_set_passphrase   (JdAttachFileDialog *self,
                                                            const char         *passphrase);
const char         *jd_attach_file_dialog_get_passphrase   (JdAttachFileDialog *self);
void                jd_attach_file_dialog_set_remember_passphrase (JdAttachFileDialog *self,
                                                            gboolean            remember);
void                jd_attach_file_dialog_set_shape        (JdAttachFileDialog *self,
                                                            JdCodesignShape     shape);
void                jd_attach_file_dialog_set_url          (JdAttachFileDialog *self,
                                                            const char         *url);
/* Selects "Reference a URL" (not on a sandbox). */
void                jd_attach_file_dialog_set_reference    (JdAttachFileDialog *self,
                                                            const char         *url,
                                                            const char         *signature);

G_END_DECLS
