/* jd-signed-files.h — JdSignedFiles: the signed files of a job document, as
 * the device checks them before running the job (AWS's device workflow: a
 * document with a code file signature must be verified first). Each file
 * shows Verified, Signature invalid, Unsigned, No trusted certificate or
 * Not downloaded, and why; Verify downloads and checks them all (jd-codesign
 * in the core: streamed, asynchronous).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  JD_SIGNED_FILES_NONE,       /* the document has no signed files */
  JD_SIGNED_FILES_UNCHECKED,  /* not verified yet */
  JD_SIGNED_FILES_CHECKING,
  JD_SIGNED_FILES_VERIFIED,   /* every file verified */
  JD_SIGNED_FILES_FAILED,     /* at least one did not */
} JdSignedFilesState;

#define JD_TYPE_SIGNED_FILES (jd_signed_files_get_type ())
G_DECLARE_FINAL_TYPE (JdSignedFiles, jd_signed_files, JD, SIGNED_FILES, AdwPreferencesGroup)

GtkWidget          *jd_signed_files_new          (void);
/* @document: nullable. A new document drops the verdicts (and stops a
 * running check); the same document keeps them. */
void                jd_signed_files_set_document (JdSignedFiles *self,
                                                  JsonNode      *document);
/* The code-signing certificate to verify with (nullable: the file's own
 * reference, which a desktop cannot resolve: "No trusted certificate"),
 * and the CA (nullable: the system's) trusted for the downloads. */
void                jd_signed_files_set_trust    (JdSignedFiles *self,
                                                  const char    *certificate_path,
                                                  const char    *ca_path);
void                jd_signed_files_verify       (JdSignedFiles *self);
JdSignedFilesState  jd_signed_files_get_state    (JdSignedFiles *self);
/* The first failure in words ("firmware.bin: the signature does not
 * match…"), or NULL. */
const char         *jd_signed_files_get_problem  (JdSignedFiles *self);

G_END_DECLS
