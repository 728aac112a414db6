/* jd-codesign.h — signed files in job documents: find them (FreeRTOS
 * `afr_ota` files and custom documents with a `codesign` object), download one
 * over HTTPS (streamed, asynchronous), check its size and its signature
 * against a code-signing certificate's public key (GnuTLS; no chain or expiry
 * check, as the FreeRTOS PALs do), and sign a file to make such an entry.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "jd-jobs-error.h"

G_BEGIN_DECLS


typedef enum {
  JD_CODESIGN_ALGORITHM_NONE,
  JD_CODESIGN_ALGORITHM_UNKNOWN,
  JD_CODESIGN_ALGORITHM_SHA256_ECDSA,
  JD_CODESIGN_ALGORITHM_SHA256_RSA,
  JD_CODESIGN_ALGORITHM_SHA1_ECDSA,
  JD_CODESIGN_ALGORITHM_SHA1_RSA,
} JdCodesignAlgorithm;

typedef enum {
  JD_CODESIGN_SHAPE_AFR_OTA,
  JD_CODESIGN_SHAPE_CODESIGN,
} JdCodesignShape;

/* "sig-sha256-ecdsa" etc. (afr_ota) and "SHA256withECDSA" etc. (codesign). */
const char          *jd_codesign_algorithm_to_key_name  (JdCodesignAlgorithm algorithm);
const char          *jd_codesign_algorithm_to_java_name (JdCodesignAlgorithm algorithm);
JdCodesignAlgorithm  jd_codesign_algorithm_from_name    (const char         *name);
gboolean             jd_codesign_shape_from_string      (const char         *name,
                                                         JdCodesignShape    *shape);

/* ---- one signed file of a document ---- */

#define JD_TYPE_SIGNED_FILE (jd_signed_file_get_type ())
G_DECLARE_FINAL_TYPE (JdSignedFile, jd_signed_file, JD, SIGNED_FILE, GObject)

JdCodesignShape      jd_signed_file_get_shape          (JdSignedFile *self);
/* The file's name on the device (afr_ota `filepath`; for codesign a
 * `filepath`/`fileName` beside it, else the URL's last segment). */
const char          *jd_signed_file_get_path           (JdSignedFile *self);
/* -1 when the document gives no size. */
gint64               jd_signed_file_get_size           (JdSignedFile *self);
const char          *jd_signed_file_get_url            (JdSignedFile *self);
JdCodesignAlgorithm  jd_signed_file_get_algorithm      (JdSignedFile *self);
/* The algorithm as the document spells it ("sig-sha256-ecdsa"), or NULL. */
const char          *jd_signed_file_get_algorithm_name (JdSignedFile *self);
/* The signature as the document has it (base64 text), or NULL. */
const char          *jd_signed_file_get_signature      (JdSignedFile *self);
/* afr_ota `certfile` (a path on the device), or NULL. */
const char          *jd_signed_file_get_certificate    (JdSignedFile *self);
/* Why the entry is unusable (missing URL, bad size), or NULL. */
const char          *jd_signed_file_get_problem        (JdSignedFile *self);

/* Every signed-file entry of @document (a JSON object), in document order:
 * each `afr_ota.files[]` entry (signed or not) and each `codesign` object at
 * any depth. Never fails: a malformed entry comes with a problem. */
GPtrArray *jd_codesign_find_files (JsonNode *document);

/* ---- the code-signing certificate ---- */

typedef struct _JdCodesignCertificate JdCodesignCertificate;

/* Reads a PEM or DER X.509 certificate. Blocking (a small file): call it
 * from a worker thread, or use jd_codesign_verify_async(), which does. */
JdCodesignCertificate *jd_codesign_certificate_new_from_file (const char             *path,
                                                              GError                **error);
JdCodesignCertificate *jd_codesign_certificate_new_from_data (const guint8           *data,
                                                              gsize                   len,
                                                              GError                **error);
void                   jd_codesign_certificate_free          (JdCodesignCertificate  *self);
/* "ECDSA" or "RSA" (or GnuTLS's name of another key type). */
const char            *jd_codesign_certificate_get_key_type  (JdCodesignCertificate  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdCodesignCertificate, jd_codesign_certificate_free)

/* Everything that needs neither a certificate nor the network (for an
 * editor's lint as one types): the entry is complete, the algorithm known,
 * the signature non-empty strict base64 and, for ECDSA, DER. */
gboolean jd_codesign_lint_file (JdSignedFile *file,
                                GError      **error);

/* What a device shows for one signed file after jd_codesign_verify_*. */
typedef enum {
  JD_CODESIGN_VERDICT_VERIFIED,
  JD_CODESIGN_VERDICT_SIGNATURE_INVALID,      /* size, signature, encoding, key name */
  JD_CODESIGN_VERDICT_UNSIGNED,
  JD_CODESIGN_VERDICT_NO_TRUSTED_CERTIFICATE, /* none named or given, unreadable, not one */
  JD_CODESIGN_VERDICT_NOT_DOWNLOADED,         /* URL expired or missing, network, cancelled */
} JdCodesignVerdict;

/* The statusDetails `reason` AWS's devices report with REJECTED when a
 * signature does not hold (FreeRTOS OTA's word). */
#define JD_CODESIGN_REJECT_REASON "sig_check_failed"

/* @error NULL means verified. */
JdCodesignVerdict jd_codesign_verdict_from_error (const GError      *error);
/* "Verified", "Signature invalid", "Unsigned", "No trusted certificate",
 * "Not downloaded" (translated). */
const char       *jd_codesign_verdict_to_string  (JdCodesignVerdict  verdict);

/* Everything that can be checked before downloading: the signature decodes
 * (strict base64, DER for ECDSA) and the key name fits the certificate's
 * key type. */
gboolean jd_codesign_check_signature_form (JdSignedFile          *file,
                                           JdCodesignCertificate *certificate,
                                           GError               **error);

/* Checks a signature over a digest of the file's bytes (SHA-256 or SHA-1 as
 * the algorithm says; @sha1 may be NULL for SHA-256 algorithms). Explains
 * common mistakes (double hashing, the wrong hash) in the message. */
gboolean jd_codesign_verify_digest (JdSignedFile          *file,
                                    JdCodesignCertificate *certificate,
                                    const guint8          *sha256,
                                    const guint8          *sha1,
                                    GError               **error);

/* ---- download and verify ---- */

/* Called on the calling thread's main context after each chunk. @total is
 * -1 when unknown. */
typedef void (*JdCodesignProgressFunc) (guint64  received,
                                        gint64   total,
                                        gpointer user_data);

/* A SoupSession for downloads; @ca_path (nullable) is a PEM CA file to
 * trust instead of the system's store. */
SoupSession *jd_codesign_session_new (const char *ca_path,
                                      GError    **error);

/* Downloads @file's URL with @session, streaming it through SHA-256 and
 * SHA-1 (and into @destination when not NULL: written as DEST.part and
 * renamed once verified), then checks the size and the signature against
 * @certificate_path, or the file's own certificate reference when NULL.
 * Nothing of it blocks the calling thread's main context. */
void     jd_codesign_verify_async  (JdSignedFile           *file,
                                    SoupSession            *session,
                                    const char             *certificate_path,
                                    GFile                  *destination,
                                    JdCodesignProgressFunc  progress,
                                    gpointer                progress_data,
                                    GDestroyNotify          progress_destroy,
                                    GCancellable           *cancellable,
                                    GAsyncReadyCallback     callback,
                                    gpointer                user_data);
gboolean jd_codesign_verify_finish (GAsyncResult           *result,
                                    GError                **error);

/* Every signed file of @document, one after the other, with
 * jd_codesign_verify_async() (no destination). @progress gets the bytes of
 * all files together (total -1 when a size is unknown). */
typedef struct {
  JdSignedFile *file;
  GError       *error;   /* NULL when the file verified */
} JdCodesignResult;

void       jd_codesign_verify_document_async  (JsonNode               *document,
                                               SoupSession            *session,
                                               const char             *certificate_path,
                                               JdCodesignProgressFunc  progress,
                                               gpointer                progress_data,
                                               GDestroyNotify          progress_destroy,
                                               GCancellable           *cancellable,
                                               GAsyncReadyCallback     callback,
                                               gpointer                user_data);
/* A JdCodesignResult per signed file, in document order (empty when the
 * document has none); NULL with an error only when cancelled. */
GPtrArray *jd_codesign_verify_document_finish (GAsyncResult           *result,
                                               GError                **error);
/* TRUE when @results holds at least one file and every one verified. */
gboolean   jd_codesign_results_all_verified   (GPtrArray              *results);

/* Download progress for statusDetails, as OTA agents report it: "recv/total"
 * ("recv" alone when the total is unknown). */
char      *jd_codesign_format_progress        (guint64                 received,
                                               gint64                  total);
/* Whether a progress report is due, so a device stays far below AWS's
 * request rates: the first and the last bytes always; otherwise at least
 * 10 % more of the file after at least 1 s, or anything new after 5 s.
 * Times are g_get_monotonic_time() values; @last_time_us 0 = never. */
gboolean   jd_codesign_progress_due           (guint64                 last_reported,
                                               gint64                  last_time_us,
                                               guint64                 received,
                                               gint64                  total,
                                               gint64                  now_us);

/* ---- signing ---- */

/* Signs @file_path with the PEM private key @key_path (ECDSA or RSA;
 * @passphrase for an encrypted one) after checking it belongs to
 * @cert_path, and returns the document fragment in @shape:
 * afr_ota → {"afr_ota":{"protocols":["HTTP"],"files":[{…}]}};
 * codesign → {"codesign":{…},"filepath":…,"url":…,"certfile":…}.
 * @url and @certfile (the device's name of the certificate; default
 * @cert_path's basename) may be NULL. Blocking: reads the whole file. */
JsonNode *jd_codesign_sign_file (const char      *file_path,
                                 const char      *key_path,
                                 const char      *passphrase,
                                 const char      *cert_path,
                                 JdCodesignShape  shape,
                                 const char      *url,
                                 const char      *certfile,
                                 GError         **error);

G_END_DECLS
