/* jd-codesign.c — finding signed files in job documents, checking their
 * signatures with GnuTLS, and signing files. The download lives in
 * jd-codesign-download.c.
 *
 * What is signed is the file's raw bytes, hashed inside the scheme
 * (SHA256withECDSA: ECDSA over SHA-256 of the bytes); the document carries
 * base64 of the DER ECDSA signature or of the raw RSA PKCS#1 v1.5 block.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-codesign"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "jd-codesign-private.h"

struct _JdSignedFile
{
  GObject parent_instance;

  JdCodesignShape shape;
  char *path;
  gint64 size;
  char *url;
  JdCodesignAlgorithm algorithm;
  char *algorithm_name;
  char *signature;
  char *certificate;
  char *problem;
};

G_DEFINE_FINAL_TYPE (JdSignedFile, jd_signed_file, G_TYPE_OBJECT)

struct _JdCodesignCertificate
{
  gnutls_pubkey_t pubkey;
};

static const struct {
  JdCodesignAlgorithm algorithm;
  const char *key_name;
  const char *java_name;
} algorithm_names[] = {
  { JD_CODESIGN_ALGORITHM_SHA256_ECDSA, "sig-sha256-ecdsa", "SHA256withECDSA" },
  { JD_CODESIGN_ALGORITHM_SHA256_RSA, "sig-sha256-rsa", "SHA256withRSA" },
  { JD_CODESIGN_ALGORITHM_SHA1_ECDSA, "sig-sha1-ecdsa", "SHA1withECDSA" },
  { JD_CODESIGN_ALGORITHM_SHA1_RSA, "sig-sha1-rsa", "SHA1withRSA" },
};

/* ---- names ---- */

const char *
jd_codesign_algorithm_to_key_name (JdCodesignAlgorithm algorithm)
{
  for (guint i = 0; i < G_N_ELEMENTS (algorithm_names); i++)
    if (algorithm_names[i].algorithm == algorithm)
      return algorithm_names[i].key_name;
  return NULL;
}

const char *
jd_codesign_algorithm_to_java_name (JdCodesignAlgorithm algorithm)
{
  for (guint i = 0; i < G_N_ELEMENTS (algorithm_names); i++)
    if (algorithm_names[i].algorithm == algorithm)
      return algorithm_names[i].java_name;
  return NULL;
}

JdCodesignAlgorithm
jd_codesign_algorithm_from_name (const char *name)
{
  if (name == NULL || *name == '\0')
    return JD_CODESIGN_ALGORITHM_NONE;
  for (guint i = 0; i < G_N_ELEMENTS (algorithm_names); i++)
    if (g_ascii_strcasecmp (name, algorithm_names[i].key_name) == 0 ||
        g_ascii_strcasecmp (name, algorithm_names[i].java_name) == 0)
      return algorithm_names[i].algorithm;
  return JD_CODESIGN_ALGORITHM_UNKNOWN;
}

gboolean
jd_codesign_shape_from_string (const char      *name,
                               JdCodesignShape *shape)
{
  if (g_strcmp0 (name, "afr_ota") == 0)
    *shape = JD_CODESIGN_SHAPE_AFR_OTA;
  else if (g_strcmp0 (name, "codesign") == 0)
    *shape = JD_CODESIGN_SHAPE_CODESIGN;
  else
    return FALSE;
  return TRUE;
}

static gboolean
algorithm_is_ecdsa (JdCodesignAlgorithm algorithm)
{
  return algorithm == JD_CODESIGN_ALGORITHM_SHA256_ECDSA || algorithm == JD_CODESIGN_ALGORITHM_SHA1_ECDSA;
}

static gboolean
algorithm_is_sha1 (JdCodesignAlgorithm algorithm)
{
  return algorithm == JD_CODESIGN_ALGORITHM_SHA1_ECDSA || algorithm == JD_CODESIGN_ALGORITHM_SHA1_RSA;
}

static gnutls_sign_algorithm_t
algorithm_to_gnutls (JdCodesignAlgorithm algorithm)
{
  switch (algorithm)
    {
    case JD_CODESIGN_ALGORITHM_SHA256_ECDSA: return GNUTLS_SIGN_ECDSA_SHA256;
    case JD_CODESIGN_ALGORITHM_SHA256_RSA: return GNUTLS_SIGN_RSA_SHA256;
    case JD_CODESIGN_ALGORITHM_SHA1_ECDSA: return GNUTLS_SIGN_ECDSA_SHA1;
    case JD_CODESIGN_ALGORITHM_SHA1_RSA: return GNUTLS_SIGN_RSA_SHA1;
    case JD_CODESIGN_ALGORITHM_NONE:
    case JD_CODESIGN_ALGORITHM_UNKNOWN:
    default:
      return GNUTLS_SIGN_UNKNOWN;
    }
}

/* ---- JdSignedFile ---- */

static void
jd_signed_file_finalize (GObject *object)
{
  JdSignedFile *self = JD_SIGNED_FILE (object);

  g_free (self->path);
  g_free (self->url);
  g_free (self->algorithm_name);
  g_free (self->signature);
  g_free (self->certificate);
  g_free (self->problem);

  G_OBJECT_CLASS (jd_signed_file_parent_class)->finalize (object);
}

static void
jd_signed_file_class_init (JdSignedFileClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = jd_signed_file_finalize;
}

static void
jd_signed_file_init (JdSignedFile *self)
{
  self->size = -1;
}

JdCodesignShape
jd_signed_file_get_shape (JdSignedFile *self)
{
  g_return_val_if_fail (JD_IS_SIGNED_FILE (self), JD_CODESIGN_SHAPE_AFR_OTA);
  return self->shape;
}

const char *
jd_signed_file_get_path (JdSignedFile *self)
{
  g_return_val_if_fail (JD_IS_SIGNED_FILE (self), NULL);
  return self->path;
}

gint64
jd_signed_file_get_size (JdSignedFile *self)
{
  g_return_val_if_fail (JD_IS_SIGNED_FILE (self), -1);
  return self->size;
}

const char *
jd_signed_file_get_url (JdSignedFile *self)
{
  g_return_val_if_fail (JD_IS_SIGNED_FILE (self), NULL);
  return self->url;
}

JdCodesignAlgorithm
jd_signed_file_get_algorithm (JdSignedFile *self)
{
  g_return_val_if_fail (JD_IS_SIGNED_FILE (self), JD_CODESIGN_ALGORITHM_NONE);
  return self->algorithm;
}

const char *
jd_signed_file_get_algorithm_name (JdSignedFile *self)
{
  g_return_val_if_fail (JD_IS_SIGNED_FILE (self), NULL);
  return self->algorithm_name;
}

const char *
jd_signed_file_get_signature (JdSignedFile *self)
{
  g_return_val_if_fail (JD_IS_SIGNED_FILE (self), NULL);
  return self->signature;
}

const char *
jd_signed_file_get_certificate (JdSignedFile *self)
{
  g_return_val_if_fail (JD_IS_SIGNED_FILE (self), NULL);
  return self->certificate;
}

const char *
jd_signed_file_get_problem (JdSignedFile *self)
{
  g_return_val_if_fail (JD_IS_SIGNED_FILE (self), NULL);
  return self->problem;
}

/* ---- parsing ---- */

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* A size as an integer, an integral double or a decimal string; -1 if
 * absent, -2 if present but not a size. */
static gint64
member_size (JsonObject *object,
             const char *name)
{
  JsonNode *node = json_object_get_member (object, name);
  GType type;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return -1;
  if (!JSON_NODE_HOLDS_VALUE (node))
    return -2;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    return json_node_get_int (node) >= 0 ? json_node_get_int (node) : -2;
  if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);
      return (d >= 0 && d < 9.0e15 && d == (double) (gint64) d) ? (gint64) d : -2;
    }
  if (type == G_TYPE_STRING)
    {
      guint64 v;
      if (g_ascii_string_to_unsigned (json_node_get_string (node), 10, 0, G_MAXINT64, &v, NULL))
        return (gint64) v;
    }
  return -2;
}

static void
add_problem (JdSignedFile *file,
             char         *problem)
{
  if (file->problem == NULL)
    file->problem = problem;
  else
    g_free (problem);
}

static JdSignedFile *
parse_afr_ota_file (JsonObject *entry,
                    guint       index)
{
  JdSignedFile *file = g_object_new (JD_TYPE_SIGNED_FILE, NULL);
  const char *path = member_string (entry, "filepath");
  const char *url = member_string (entry, "update_data_url");
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  file->shape = JD_CODESIGN_SHAPE_AFR_OTA;
  file->path = path != NULL ? g_strdup (path) : g_strdup_printf ("files[%u]", index);
  file->url = g_strdup (url);
  file->certificate = g_strdup (member_string (entry, "certfile"));
  file->size = member_size (entry, "filesize");

  /* The signature key's name says the algorithm: "sig-sha256-ecdsa" … */
  json_object_iter_init (&iter, entry);
  while (json_object_iter_next (&iter, &name, &value))
    {
      if (!g_str_has_prefix (name, "sig-"))
        continue;
      if (file->algorithm_name != NULL)
        {
          add_problem (file, g_strdup_printf (_("The entry has two signatures (“%s” and “%s”)."),
                                              file->algorithm_name, name));
          continue;
        }
      file->algorithm_name = g_strdup (name);
      file->algorithm = jd_codesign_algorithm_from_name (name);
      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
        file->signature = g_strdup (json_node_get_string (value));
      else
        add_problem (file, g_strdup_printf (_("The signature “%s” is not a string."), name));
    }

  if (path == NULL)
    add_problem (file, g_strdup (_("The entry has no “filepath”.")));
  if (file->size == -2)
    add_problem (file, g_strdup (_("“filesize” is not a size in bytes.")));
  if (url == NULL && file->algorithm != JD_CODESIGN_ALGORITHM_NONE)
    add_problem (file, g_strdup (_("The entry has no “update_data_url”, so the file cannot be downloaded.")));
  if (file->size < 0)
    file->size = -1;
  return file;
}

static gboolean
looks_like_url (const char *s)
{
  return g_str_has_prefix (s, "https://") || g_str_has_prefix (s, "http://") ||
         g_str_has_prefix (s, "${aws:iot:s3-presigned-url:");
}

/* Every string of @node that looks like a URL, depth first. */
static void
collect_urls (JsonNode  *node,
              GPtrArray *urls)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &value))
        if (g_strcmp0 (name, "codesign") != 0)
          collect_urls (value, urls);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        collect_urls (json_array_get_element (array, i), urls);
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (node);

      if (looks_like_url (s))
        g_ptr_array_add (urls, (gpointer) s);
    }
}

static const char *
url_last_segment (const char *url)
{
  const char *end = url + strcspn (url, "?#}");
  const char *p = end;

  while (p > url && p[-1] != '/')
    p--;
  return p < end ? p : NULL;
}

/* A `codesign` object: the signature; the URL and the name are "elsewhere in
 * the document". Nearest first: members of the object that holds
 * `codesign`, then `payloadLocation`, then the only URL of the whole
 * document, or the one naming payloadLocation's S3 key. */
static JdSignedFile *
parse_codesign (JsonObject *holder,
                JsonObject *codesign,
                JsonNode   *document)
{
  JdSignedFile *file = g_object_new (JD_TYPE_SIGNED_FILE, NULL);
  const char *algorithm = member_string (codesign, "signatureAlgorithm");
  JsonNode *sig = json_object_get_member (codesign, "signature");
  JsonNode *location = json_object_get_member (codesign, "payloadLocation");
  const char *s3_key = NULL;
  const char *url = NULL;
  const char *path = NULL;
  static const char *const url_names[] = { "url", "fileUrl", "downloadUrl", "update_data_url", "presignedUrl" };
  static const char *const path_names[] = { "filepath", "filePath", "fileName", "filename", "path" };

  file->shape = JD_CODESIGN_SHAPE_CODESIGN;
  file->size = member_size (codesign, "rawPayloadSize");
  if (file->size == -2)
    add_problem (file, g_strdup (_("“rawPayloadSize” is not a size in bytes.")));
  file->algorithm_name = g_strdup (algorithm);
  file->algorithm = jd_codesign_algorithm_from_name (algorithm);

  if (sig != NULL && JSON_NODE_HOLDS_VALUE (sig) && json_node_get_value_type (sig) == G_TYPE_STRING)
    file->signature = g_strdup (json_node_get_string (sig));
  else if (sig != NULL && JSON_NODE_HOLDS_OBJECT (sig))
    /* CreateOTAUpdate's shape: {"inlineDocument": "<base64>"}. */
    file->signature = g_strdup (member_string (json_node_get_object (sig), "inlineDocument"));
  if (file->signature != NULL && file->algorithm == JD_CODESIGN_ALGORITHM_NONE)
    add_problem (file, g_strdup (_("The entry has a signature but no “signatureAlgorithm”.")));
  if (file->signature == NULL && file->algorithm != JD_CODESIGN_ALGORITHM_NONE)
    file->signature = g_strdup ("");

  for (guint i = 0; i < G_N_ELEMENTS (url_names) && url == NULL; i++)
    url = member_string (holder, url_names[i]);
  for (guint i = 0; i < G_N_ELEMENTS (path_names) && path == NULL; i++)
    path = member_string (holder, path_names[i]);
  file->certificate = g_strdup (member_string (holder, "certfile"));
  if (file->certificate == NULL)
    file->certificate = g_strdup (member_string (codesign, "certfile"));

  if (location != NULL && JSON_NODE_HOLDS_OBJECT (location))
    {
      JsonObject *loc = json_node_get_object (location);
      JsonNode *s3 = json_object_get_member (loc, "s3");

      if (url == NULL)
        url = member_string (loc, "url");
      if (s3 != NULL && JSON_NODE_HOLDS_OBJECT (s3))
        s3_key = member_string (json_node_get_object (s3), "key");
    }

  if (url == NULL)
    {
      g_autoptr(GPtrArray) urls = g_ptr_array_new ();

      collect_urls (document, urls);
      if (urls->len == 1)
        url = g_ptr_array_index (urls, 0);
      else if (s3_key != NULL)
        for (guint i = 0; i < urls->len && url == NULL; i++)
          if (strstr (g_ptr_array_index (urls, i), s3_key) != NULL)
            url = g_ptr_array_index (urls, i);
    }
  file->url = g_strdup (url);

  if (path == NULL && s3_key != NULL)
    path = s3_key;
  if (path == NULL && url != NULL)
    path = url_last_segment (url);
  file->path = g_strdup (path != NULL ? path : "codesign");
  if (path != NULL && path == s3_key)
    {
      g_free (file->path);
      file->path = g_strdup (url_last_segment (s3_key) != NULL ? url_last_segment (s3_key) : s3_key);
    }
  if (url == NULL)
    add_problem (file, g_strdup (_("No URL for the signed file was found in the document.")));
  if (file->size < 0)
    file->size = -1;
  return file;
}

static void
find_in (JsonNode  *node,
         JsonNode  *document,
         GPtrArray *files)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, object);
      while (json_object_iter_next (&iter, &name, &value))
        {
          if (g_strcmp0 (name, "afr_ota") == 0 && JSON_NODE_HOLDS_OBJECT (value))
            {
              JsonNode *list = json_object_get_member (json_node_get_object (value), "files");

              if (list != NULL && JSON_NODE_HOLDS_ARRAY (list))
                {
                  JsonArray *array = json_node_get_array (list);

                  for (guint i = 0; i < json_array_get_length (array); i++)
                    {
                      JsonNode *entry = json_array_get_element (array, i);

                      if (JSON_NODE_HOLDS_OBJECT (entry))
                        g_ptr_array_add (files, parse_afr_ota_file (json_node_get_object (entry), i));
                    }
                }
            }
          else if (g_strcmp0 (name, "codesign") == 0 && JSON_NODE_HOLDS_OBJECT (value))
            g_ptr_array_add (files, parse_codesign (object, json_node_get_object (value), document));
          else
            find_in (value, document, files);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        find_in (json_array_get_element (array, i), document, files);
    }
}

GPtrArray *
jd_codesign_find_files (JsonNode *document)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_object_unref);

  if (document != NULL)
    find_in (document, document, files);
  return files;
}

/* ---- certificates ---- */

JdCodesignCertificate *
jd_codesign_certificate_new_from_data (const guint8 *data,
                                       gsize         len,
                                       GError      **error)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum = { (unsigned char *) data, (unsigned int) len };
  JdCodesignCertificate *self;
  gboolean pem = len > 0 && g_strstr_len ((const char *) data, MIN (len, 4096), "-----BEGIN") != NULL;
  int ret;

  if (pem && g_strstr_len ((const char *) data, MIN (len, 4096), "-----BEGIN CERTIFICATE-----") == NULL)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_CERTIFICATE,
                   _("The file is PEM but holds no certificate (a key or a request?)."));
      return NULL;
    }
  gnutls_x509_crt_init (&crt);
  ret = gnutls_x509_crt_import (crt, &datum, pem ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER);
  if (ret < 0)
    {
      gnutls_x509_crt_deinit (crt);
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_CERTIFICATE,
                   _("The file is not an X.509 certificate (%s)."), gnutls_strerror (ret));
      return NULL;
    }
  self = g_new0 (JdCodesignCertificate, 1);
  gnutls_pubkey_init (&self->pubkey);
  ret = gnutls_pubkey_import_x509 (self->pubkey, crt, 0);
  gnutls_x509_crt_deinit (crt);
  if (ret < 0)
    {
      jd_codesign_certificate_free (self);
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_CERTIFICATE,
                   _("The certificate’s public key cannot be used (%s)."), gnutls_strerror (ret));
      return NULL;
    }
  return self;
}

JdCodesignCertificate *
jd_codesign_certificate_new_from_file (const char *path,
                                       GError    **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  JdCodesignCertificate *self;
  gsize len;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &data, &len, &local_error))
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_CERTIFICATE,
                   _("The certificate file cannot be read: %s"), local_error->message);
      return NULL;
    }
  self = jd_codesign_certificate_new_from_data ((const guint8 *) data, len, &local_error);
  if (self == NULL)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_CERTIFICATE,
                   "%s: %s", path, local_error->message);
      return NULL;
    }
  return self;
}

void
jd_codesign_certificate_free (JdCodesignCertificate *self)
{
  if (self == NULL)
    return;
  if (self->pubkey != NULL)
    gnutls_pubkey_deinit (self->pubkey);
  g_free (self);
}

static gboolean
certificate_is_ecdsa (JdCodesignCertificate *self)
{
  return gnutls_pubkey_get_pk_algorithm (self->pubkey, NULL) == GNUTLS_PK_ECDSA;
}

static gboolean
certificate_is_rsa (JdCodesignCertificate *self)
{
  return gnutls_pubkey_get_pk_algorithm (self->pubkey, NULL) == GNUTLS_PK_RSA;
}

const char *
jd_codesign_certificate_get_key_type (JdCodesignCertificate *self)
{
  int pk;

  g_return_val_if_fail (self != NULL, NULL);
  pk = gnutls_pubkey_get_pk_algorithm (self->pubkey, NULL);
  if (pk == GNUTLS_PK_ECDSA)
    return "ECDSA";
  if (pk == GNUTLS_PK_RSA)
    return "RSA";
  return gnutls_pk_get_name (pk);
}

/* ---- signature form ---- */

/* Strict base64: the alphabet, padding only at the end, whole quanta;
 * whitespace (line wrapping) is allowed. */
static guint8 *
decode_base64_strict (const char *text,
                      gsize      *out_len,
                      GError    **error)
{
  g_autoptr(GString) clean = g_string_new (NULL);
  guint padding = 0;

  if (strstr (text, "-----BEGIN") != NULL)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_BASE64,
                   _("The signature is PEM text (“-----BEGIN …”); the document needs the base64 of the signature’s bytes only."));
      return NULL;
    }
  for (const char *p = text; *p != '\0'; p++)
    {
      char c = *p;

      if (g_ascii_isspace (c))
        continue;
      if (c == '=')
        padding++;
      else if (padding > 0 || !(g_ascii_isalnum (c) || c == '+' || c == '/'))
        {
          g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_BASE64,
                       padding > 0 ? _("The signature is not valid base64: text after the “=” padding.")
                                   : _("The signature is not valid base64: it has characters outside the base64 alphabet."));
          return NULL;
        }
      g_string_append_c (clean, c);
    }
  if (clean->len % 4 != 0 || padding > 2)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_BASE64,
                   _("The signature is not valid base64: its length or its “=” padding is wrong."));
      return NULL;
    }
  return g_base64_decode (clean->str, out_len);
}

static gboolean
der_length (const guint8 *p,
            gsize         avail,
            gsize        *len,
            gsize        *header)
{
  if (avail < 2)
    return FALSE;
  if (p[1] < 0x80)
    {
      *len = p[1];
      *header = 2;
      return TRUE;
    }
  if (p[1] == 0x81 && avail >= 3 && p[2] >= 0x80)
    {
      *len = p[2];
      *header = 3;
      return TRUE;
    }
  return FALSE;
}

/* An ECDSA signature must be DER: SEQUENCE { INTEGER r, INTEGER s } with
 * nothing after it. FreeRTOS's mbedTLS PAL refuses anything else. */
static gboolean
check_ecdsa_der (const guint8 *sig,
                 gsize         len,
                 GError      **error)
{
  gsize seq_len, seq_header, pos, int_len, int_header;
  gboolean ok = len > 0 && sig[0] == 0x30 && der_length (sig, len, &seq_len, &seq_header) &&
                seq_header + seq_len <= len;

  if (ok)
    {
      pos = seq_header;
      for (guint i = 0; i < 2 && ok; i++)
        {
          ok = pos < seq_header + seq_len && sig[pos] == 0x02 &&
               der_length (sig + pos, seq_header + seq_len - pos, &int_len, &int_header) &&
               int_len > 0 && pos + int_header + int_len <= seq_header + seq_len;
          pos += int_header + int_len;
        }
      ok = ok && pos == seq_header + seq_len;
    }
  if (!ok)
    {
      if (len == 64 || len == 96 || len == 132)
        g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_SIGNATURE_ENCODING,
                     _("The signature is %u raw bytes (r‖s), not a DER-encoded ECDSA signature."), (guint) len);
      else
        g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_SIGNATURE_ENCODING,
                     _("The signature is not a DER-encoded ECDSA signature (%u bytes)."), (guint) len);
      return FALSE;
    }
  if (seq_header + seq_len < len)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_SIGNATURE_ENCODING,
                   _("The signature has %u extra bytes after the end of its DER encoding."),
                   (guint) (len - seq_header - seq_len));
      return FALSE;
    }
  return TRUE;
}

/* Checks the key name against the certificate and decodes the signature. */
static guint8 *
decode_signature (JdSignedFile          *file,
                  JdCodesignCertificate *certificate,
                  gsize                 *len,
                  GError               **error)
{
  g_autofree guint8 *sig = NULL;

  if (file->problem != NULL)
    {
      g_set_error_literal (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_ENTRY, file->problem);
      return NULL;
    }
  if (file->algorithm == JD_CODESIGN_ALGORITHM_NONE)
    {
      g_set_error_literal (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_UNSIGNED, _("The file is not signed."));
      return NULL;
    }
  if (file->algorithm == JD_CODESIGN_ALGORITHM_UNKNOWN)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_UNKNOWN_ALGORITHM,
                   _("The signature algorithm “%s” is not one of sig-sha256-ecdsa, sig-sha256-rsa, sig-sha1-ecdsa, sig-sha1-rsa (SHA256withECDSA, SHA256withRSA, SHA1withECDSA, SHA1withRSA)."),
                   file->algorithm_name);
      return NULL;
    }
  if (certificate != NULL && algorithm_is_ecdsa (file->algorithm) && !certificate_is_ecdsa (certificate))
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_WRONG_KEY_NAME,
                   _("“%s” names an ECDSA signature, but the certificate’s key is %s; the entry should use %s."),
                   file->algorithm_name, jd_codesign_certificate_get_key_type (certificate),
                   certificate_is_rsa (certificate)
                     ? (file->shape == JD_CODESIGN_SHAPE_AFR_OTA
                          ? (algorithm_is_sha1 (file->algorithm) ? "sig-sha1-rsa" : "sig-sha256-rsa")
                          : (algorithm_is_sha1 (file->algorithm) ? "SHA1withRSA" : "SHA256withRSA"))
                     : _("a certificate with an ECDSA key"));
      return NULL;
    }
  if (certificate != NULL && !algorithm_is_ecdsa (file->algorithm) && !certificate_is_rsa (certificate))
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_WRONG_KEY_NAME,
                   _("“%s” names an RSA signature, but the certificate’s key is %s; the entry should use %s."),
                   file->algorithm_name, jd_codesign_certificate_get_key_type (certificate),
                   certificate_is_ecdsa (certificate)
                     ? (file->shape == JD_CODESIGN_SHAPE_AFR_OTA
                          ? (algorithm_is_sha1 (file->algorithm) ? "sig-sha1-ecdsa" : "sig-sha256-ecdsa")
                          : (algorithm_is_sha1 (file->algorithm) ? "SHA1withECDSA" : "SHA256withECDSA"))
                     : _("a certificate with an RSA key"));
      return NULL;
    }
  if (file->signature == NULL || file->signature[strspn (file->signature, " \t\r\n")] == '\0')
    {
      g_set_error_literal (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_EMPTY_SIGNATURE,
                           _("The signature is empty."));
      return NULL;
    }
  sig = decode_base64_strict (file->signature, len, error);
  if (sig == NULL)
    return NULL;
  if (algorithm_is_ecdsa (file->algorithm) && !check_ecdsa_der (sig, *len, error))
    return NULL;
  if (certificate != NULL && !algorithm_is_ecdsa (file->algorithm))
    {
      unsigned int bits = 0;

      gnutls_pubkey_get_pk_algorithm (certificate->pubkey, &bits);
      if (*len != (bits + 7) / 8)
        {
          g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_SIGNATURE_ENCODING,
                       _("The signature has %u bytes, but an RSA signature of this %u-bit key has %u."),
                       (guint) *len, bits, (bits + 7) / 8);
          return NULL;
        }
    }
  return g_steal_pointer (&sig);
}

gboolean
jd_codesign_lint_file (JdSignedFile *file,
                       GError      **error)
{
  g_autofree guint8 *sig = NULL;
  gsize len = 0;

  g_return_val_if_fail (JD_IS_SIGNED_FILE (file), FALSE);

  if (file->problem == NULL && file->url != NULL && !looks_like_url (file->url))
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_NO_URL,
                   _("“%s” is not an HTTP or HTTPS URL."), file->url);
      return FALSE;
    }
  sig = decode_signature (file, NULL, &len, error);
  return sig != NULL;
}

JdCodesignVerdict
jd_codesign_verdict_from_error (const GError *error)
{
  if (error == NULL)
    return JD_CODESIGN_VERDICT_VERIFIED;
  if (g_error_matches (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_UNSIGNED))
    return JD_CODESIGN_VERDICT_UNSIGNED;
  if (g_error_matches (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_CERTIFICATE))
    return JD_CODESIGN_VERDICT_NO_TRUSTED_CERTIFICATE;
  if (jd_jobs_error_get_group (error) != JD_JOBS_ERROR_GROUP_CODESIGN ||
      error->code == JD_JOBS_ERROR_CODESIGN_DOWNLOAD_FAILED || error->code == JD_JOBS_ERROR_CODESIGN_URL_EXPIRED ||
      error->code == JD_JOBS_ERROR_CODESIGN_NO_URL)
    return JD_CODESIGN_VERDICT_NOT_DOWNLOADED;
  return JD_CODESIGN_VERDICT_SIGNATURE_INVALID;
}

const char *
jd_codesign_verdict_to_string (JdCodesignVerdict verdict)
{
  switch (verdict)
    {
    case JD_CODESIGN_VERDICT_VERIFIED: return _("Verified");
    case JD_CODESIGN_VERDICT_SIGNATURE_INVALID: return _("Signature invalid");
    case JD_CODESIGN_VERDICT_UNSIGNED: return _("Unsigned");
    case JD_CODESIGN_VERDICT_NO_TRUSTED_CERTIFICATE: return _("No trusted certificate");
    case JD_CODESIGN_VERDICT_NOT_DOWNLOADED: return _("Not downloaded");
    default: g_return_val_if_reached (NULL);
    }
}

gboolean
jd_codesign_check_signature_form (JdSignedFile          *file,
                                  JdCodesignCertificate *certificate,
                                  GError               **error)
{
  g_autofree guint8 *sig = NULL;
  gsize len = 0;

  g_return_val_if_fail (JD_IS_SIGNED_FILE (file), FALSE);
  g_return_val_if_fail (certificate != NULL, FALSE);

  sig = decode_signature (file, certificate, &len, error);
  return sig != NULL;
}

static gboolean
verify_hash (JdCodesignCertificate  *certificate,
             gnutls_sign_algorithm_t algorithm,
             const guint8           *hash,
             gsize                   hash_len,
             const guint8           *sig,
             gsize                   sig_len)
{
  gnutls_datum_t h = { (unsigned char *) hash, (unsigned int) hash_len };
  gnutls_datum_t s = { (unsigned char *) sig, (unsigned int) sig_len };
  unsigned int flags = 0;

  if (algorithm == GNUTLS_SIGN_ECDSA_SHA1 || algorithm == GNUTLS_SIGN_RSA_SHA1)
    flags |= GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1;
  return gnutls_pubkey_verify_hash2 (certificate->pubkey, algorithm, flags, &h, &s) >= 0;
}

static void
hash_of (gnutls_digest_algorithm_t algorithm,
         const void               *data,
         gsize                     len,
         guint8                   *out)
{
  gnutls_hash_fast (algorithm, data, len, out);
}

gboolean
jd_codesign_verify_digest (JdSignedFile          *file,
                           JdCodesignCertificate *certificate,
                           const guint8          *sha256,
                           const guint8          *sha1,
                           GError               **error)
{
  g_autofree guint8 *sig = NULL;
  gsize len = 0;
  gboolean ecdsa;
  gboolean sha1_algo;
  const guint8 *digest;
  gsize digest_len;
  guint8 again[32];
  g_autofree char *hex = NULL;

  g_return_val_if_fail (JD_IS_SIGNED_FILE (file), FALSE);
  g_return_val_if_fail (certificate != NULL, FALSE);
  g_return_val_if_fail (sha256 != NULL, FALSE);

  sig = decode_signature (file, certificate, &len, error);
  if (sig == NULL)
    return FALSE;

  ecdsa = algorithm_is_ecdsa (file->algorithm);
  sha1_algo = algorithm_is_sha1 (file->algorithm);
  g_return_val_if_fail (!sha1_algo || sha1 != NULL, FALSE);
  digest = sha1_algo ? sha1 : sha256;
  digest_len = sha1_algo ? 20 : 32;

  if (verify_hash (certificate, algorithm_to_gnutls (file->algorithm), digest, digest_len, sig, len))
    return TRUE;

  /* It does not hold. Say why when the mistake is a common one. */
  if (!sha1_algo && sha1 != NULL &&
      verify_hash (certificate, ecdsa ? GNUTLS_SIGN_ECDSA_SHA1 : GNUTLS_SIGN_RSA_SHA1, sha1, 20, sig, len))
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_SIGNATURE_MISMATCH,
                   _("The signature does not match: it was made over the file’s SHA-1 hash, but “%s” says SHA-256."),
                   file->algorithm_name);
      return FALSE;
    }
  if (sha1_algo &&
      verify_hash (certificate, ecdsa ? GNUTLS_SIGN_ECDSA_SHA256 : GNUTLS_SIGN_RSA_SHA256, sha256, 32, sig, len))
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_SIGNATURE_MISMATCH,
                   _("The signature does not match: it was made over the file’s SHA-256 hash, but “%s” says SHA-1."),
                   file->algorithm_name);
      return FALSE;
    }
  hash_of (GNUTLS_DIG_SHA256, sha256, 32, again);
  if (!sha1_algo && verify_hash (certificate, algorithm_to_gnutls (file->algorithm), again, 32, sig, len))
    {
      g_set_error_literal (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_SIGNATURE_MISMATCH,
                           _("The signature does not match: it signs the file’s SHA-256 hash instead of the file (the hash was hashed twice)."));
      return FALSE;
    }
  hex = g_malloc (digest_len * 2 + 2);
  for (gsize i = 0; i < digest_len; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", digest[i]);
  hash_of (GNUTLS_DIG_SHA256, hex, digest_len * 2, again);
  if (!sha1_algo && verify_hash (certificate, algorithm_to_gnutls (file->algorithm), again, 32, sig, len))
    {
      g_set_error_literal (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_SIGNATURE_MISMATCH,
                           _("The signature does not match: it signs the file’s hash as hexadecimal text instead of the file."));
      return FALSE;
    }
  g_set_error_literal (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_SIGNATURE_MISMATCH,
                       _("The signature does not match the file: the file was changed, or it was signed with a key other than the certificate’s."));
  return FALSE;
}

/* ---- signing ---- */

static gboolean
hash_file (const char *path,
           guint8      sha256[32],
           guint8      sha1[20],
           guint64    *size,
           GError    **error)
{
  g_autoptr(GFile) gfile = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GError) local_error = NULL;
  gnutls_hash_hd_t h256 = NULL, h1 = NULL;
  g_autofree guint8 *buffer = g_malloc (JD_CODESIGN_CHUNK);
  gssize n;

  in = g_file_read (gfile, NULL, &local_error);
  if (in == NULL)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_FILE,
                   _("The file cannot be read: %s"), local_error->message);
      return FALSE;
    }
  gnutls_hash_init (&h256, GNUTLS_DIG_SHA256);
  gnutls_hash_init (&h1, GNUTLS_DIG_SHA1);
  *size = 0;
  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buffer, JD_CODESIGN_CHUNK, NULL, &local_error)) > 0)
    {
      gnutls_hash (h256, buffer, n);
      gnutls_hash (h1, buffer, n);
      *size += n;
    }
  gnutls_hash_deinit (h256, sha256);
  gnutls_hash_deinit (h1, sha1);
  if (n < 0)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_FILE,
                   _("The file cannot be read: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gnutls_privkey_t
load_private_key (const char *key_path,
                  const char *passphrase,
                  GError    **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  gnutls_x509_privkey_t x509 = NULL;
  gnutls_privkey_t key = NULL;
  gnutls_datum_t datum;
  gsize len;
  gboolean is_pem, encrypted;
  int ret;

  if (!g_file_get_contents (key_path, &data, &len, &local_error))
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_KEY,
                   _("The key file cannot be read: %s"), local_error->message);
      return NULL;
    }
  datum.data = (unsigned char *) data;
  datum.size = len;
  /* PEM text is read as PEM only: a DER retry would replace the PEM
   * import's own error (a wrong passphrase) with an ASN.1 one. */
  is_pem = g_strstr_len (data, len, "-----BEGIN ") != NULL;
  encrypted = is_pem && (g_strstr_len (data, len, "ENCRYPTED") != NULL);
  gnutls_x509_privkey_init (&x509);
  ret = gnutls_x509_privkey_import2 (x509, &datum, is_pem ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER,
                                     passphrase, 0);
  if (ret < 0)
    {
      gnutls_x509_privkey_deinit (x509);
      if (encrypted || ret == GNUTLS_E_DECRYPTION_FAILED)
        g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_PASSPHRASE,
                     passphrase == NULL || passphrase[0] == '\0'
                       ? _("The key “%s” is encrypted and needs its passphrase.")
                       : _("The passphrase of the key “%s” is wrong."),
                     key_path);
      else
        g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_KEY,
                     _("“%s” is not a private key (%s)."), key_path, gnutls_strerror (ret));
      return NULL;
    }
  gnutls_privkey_init (&key);
  ret = gnutls_privkey_import_x509 (key, x509, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE);
  if (ret < 0)
    {
      gnutls_x509_privkey_deinit (x509);
      gnutls_privkey_deinit (key);
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_KEY,
                   _("The key “%s” cannot be used (%s)."), key_path, gnutls_strerror (ret));
      return NULL;
    }
  return key;
}

static gboolean
key_matches_certificate (gnutls_privkey_t       key,
                         JdCodesignCertificate *certificate)
{
  gnutls_pubkey_t pub = NULL;
  guint8 a[64], b[64];
  size_t a_len = sizeof a, b_len = sizeof b;
  gboolean same;

  gnutls_pubkey_init (&pub);
  same = gnutls_pubkey_import_privkey (pub, key, 0, 0) >= 0 &&
         gnutls_pubkey_get_key_id (pub, GNUTLS_KEYID_USE_SHA256, a, &a_len) >= 0 &&
         gnutls_pubkey_get_key_id (certificate->pubkey, GNUTLS_KEYID_USE_SHA256, b, &b_len) >= 0 &&
         a_len == b_len && memcmp (a, b, a_len) == 0;
  gnutls_pubkey_deinit (pub);
  return same;
}

JsonNode *
jd_codesign_sign_file (const char      *file_path,
                       const char      *key_path,
                       const char      *passphrase,
                       const char      *cert_path,
                       JdCodesignShape  shape,
                       const char      *url,
                       const char      *certfile,
                       GError         **error)
{
  g_autoptr(JdCodesignCertificate) certificate = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *name = NULL;
  g_autofree char *cert_name = NULL;
  g_autofree char *b64 = NULL;
  gnutls_privkey_t key;
  gnutls_datum_t hash, sig = { NULL, 0 };
  guint8 sha256[32], sha1[20];
  guint64 size;
  JdCodesignAlgorithm algorithm;
  int ret;

  g_return_val_if_fail (file_path != NULL && key_path != NULL && cert_path != NULL, NULL);

  certificate = jd_codesign_certificate_new_from_file (cert_path, error);
  if (certificate == NULL)
    return NULL;
  key = load_private_key (key_path, passphrase, error);
  if (key == NULL)
    return NULL;
  if (!key_matches_certificate (key, certificate))
    {
      gnutls_privkey_deinit (key);
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_KEY,
                   _("The key “%s” does not belong to the certificate “%s”."), key_path, cert_path);
      return NULL;
    }
  if (certificate_is_ecdsa (certificate))
    algorithm = JD_CODESIGN_ALGORITHM_SHA256_ECDSA;
  else if (certificate_is_rsa (certificate))
    algorithm = JD_CODESIGN_ALGORITHM_SHA256_RSA;
  else
    {
      gnutls_privkey_deinit (key);
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_KEY,
                   _("Code signing needs an ECDSA or RSA key; this one is %s."),
                   jd_codesign_certificate_get_key_type (certificate));
      return NULL;
    }
  if (!hash_file (file_path, sha256, sha1, &size, error))
    {
      gnutls_privkey_deinit (key);
      return NULL;
    }
  hash.data = sha256;
  hash.size = 32;
  ret = gnutls_privkey_sign_hash2 (key, algorithm_to_gnutls (algorithm), 0, &hash, &sig);
  gnutls_privkey_deinit (key);
  if (ret < 0)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_KEY,
                   _("Signing failed: %s"), gnutls_strerror (ret));
      return NULL;
    }
  b64 = g_base64_encode (sig.data, sig.size);
  gnutls_free (sig.data);

  name = g_path_get_basename (file_path);
  cert_name = certfile != NULL ? g_strdup (certfile) : g_path_get_basename (cert_path);

  json_builder_begin_object (builder);
  if (shape == JD_CODESIGN_SHAPE_AFR_OTA)
    {
      json_builder_set_member_name (builder, "afr_ota");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "protocols");
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, "HTTP");
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "files");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "filepath");
      json_builder_add_string_value (builder, name);
      json_builder_set_member_name (builder, "filesize");
      json_builder_add_int_value (builder, (gint64) size);
      json_builder_set_member_name (builder, "fileid");
      json_builder_add_int_value (builder, 0);
      json_builder_set_member_name (builder, "certfile");
      json_builder_add_string_value (builder, cert_name);
      if (url != NULL)
        {
          json_builder_set_member_name (builder, "update_data_url");
          json_builder_add_string_value (builder, url);
          json_builder_set_member_name (builder, "auth_scheme");
          json_builder_add_string_value (builder, "aws.s3.presigned");
        }
      json_builder_set_member_name (builder, jd_codesign_algorithm_to_key_name (algorithm));
      json_builder_add_string_value (builder, b64);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  else
    {
      json_builder_set_member_name (builder, "codesign");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "rawPayloadSize");
      json_builder_add_int_value (builder, (gint64) size);
      json_builder_set_member_name (builder, "signature");
      json_builder_add_string_value (builder, b64);
      json_builder_set_member_name (builder, "signatureAlgorithm");
      json_builder_add_string_value (builder, jd_codesign_algorithm_to_java_name (algorithm));
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "filepath");
      json_builder_add_string_value (builder, name);
      json_builder_set_member_name (builder, "certfile");
      json_builder_add_string_value (builder, cert_name);
      if (url != NULL)
        {
          json_builder_set_member_name (builder, "url");
          json_builder_add_string_value (builder, url);
        }
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
