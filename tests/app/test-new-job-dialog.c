/* test-new-job-dialog.c — the New Job dialog validates as the user types, refuses
 * bad input with words, and hands over exactly what CreateJob needs; its
 * signed-file entries are linted as typed, attached files land in the
 * document in either shape, and Attach Signed File says a wrong passphrase
 * or a key that is not the certificate's at that field (keys made by the
 * test CA, signatures checked with the core's verifier). On the sandbox the
 * app starts (JdSandboxSession): the target pickers list its things and
 * groups, a group and a thing chosen become both ARNs of the created job,
 * a setting out of AWS's range is refused with the core's words and nothing
 * is created, and the rollout, abort, retry and timeout settings are what
 * DescribeJob returns. Job templates: the chooser lists AWS's managed
 * templates and one made first through the control plane; AWS-Run-Command
 * gives its parameter rows, a refused value keeps Create insensitive with
 * the core's words, a valid one makes a job whose document has the command
 * and whose jobTemplateArn is the managed template's; a custom template
 * makes a job with its document; a list that cannot be loaded says why and
 * the dialog still creates jobs without a template.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include <glib/gstdio.h>

#include "jd-attach-file-dialog.h"
#include "jd-codesign.h"
#include "jd-control-plane.h"
#include "jd-credentials.h"
#include "jd-job-template.h"
#include "jd-jobs-error.h"
#include "jd-new-job-dialog.h"
#include "jd-sandbox-session.h"
#include "jd-test-ca.h"
#include "jd-test-ui.h"

/* A DER ECDSA signature in form (r = s = 1): lint checks form only. */
#define DER_SIGNATURE "MAYCAQECAQE="

static void
on_create_requested (JdNewJobDialog *dialog,
                     guint          *count)
{
  (*count)++;
}

static JdNewJobDialog *
new_dialog (void)
{
  JdNewJobDialog *dialog = jd_new_job_dialog_new (NULL, "MyThing");

  g_object_ref_sink (dialog);
  return dialog;
}

static void
finish_dialog (JdNewJobDialog *dialog)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_finalize_object (dialog);
}

static void
test_job_id_validation (void)
{
  JdNewJobDialog *dialog = new_dialog ();
  g_autofree char *too_long = g_strnfill (65, 'a');
  g_autofree char *longest = g_strnfill (64, 'a');

  /* Empty at first: not valid, and it says why. */
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  g_assert_cmpstr (jd_new_job_dialog_get_problem (dialog), ==, "Enter a job id");

  jd_new_job_dialog_set_job_id (dialog, "bad id!");
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  g_assert_nonnull (strstr (jd_new_job_dialog_get_problem (dialog), "letters"));

  jd_new_job_dialog_set_job_id (dialog, too_long);
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  g_assert_nonnull (strstr (jd_new_job_dialog_get_problem (dialog), "64"));

  jd_new_job_dialog_set_job_id (dialog, longest);
  g_assert_true (jd_new_job_dialog_is_valid (dialog));
  g_assert_null (jd_new_job_dialog_get_problem (dialog));

  jd_new_job_dialog_set_job_id (dialog, "Job_1-a");
  g_assert_true (jd_new_job_dialog_is_valid (dialog));

  finish_dialog (dialog);
}

static void
test_document_validation (void)
{
  JdNewJobDialog *dialog = new_dialog ();
  g_autofree char *compact = NULL;

  jd_new_job_dialog_set_job_id (dialog, "Job1");

  jd_new_job_dialog_set_document (dialog, "{\"Todo\": ");
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  g_assert_cmpstr (jd_new_job_dialog_get_problem (dialog), ==, "line 1, column 10: expected a value");

  jd_new_job_dialog_set_document (dialog, "[1, 2]");
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  g_assert_nonnull (strstr (jd_new_job_dialog_get_problem (dialog), "JSON object"));

  jd_new_job_dialog_set_document (dialog, "   ");
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  g_assert_cmpstr (jd_new_job_dialog_get_problem (dialog), ==, "Enter a job document");

  jd_new_job_dialog_set_document (dialog, "{\n  \"Todo\" : \"Reboot\"\n}");
  g_assert_true (jd_new_job_dialog_is_valid (dialog));
  compact = jd_new_job_dialog_dup_document (dialog);
  g_assert_cmpstr (compact, ==, "{\"Todo\":\"Reboot\"}");

  finish_dialog (dialog);
}

static void
test_targets_and_options (void)
{
  JdNewJobDialog *dialog = new_dialog ();
  g_auto(GStrv) targets = NULL;

  jd_new_job_dialog_set_job_id (dialog, "Job1");

  targets = jd_new_job_dialog_dup_targets (dialog);
  g_assert_cmpuint (g_strv_length (targets), ==, 1);
  g_assert_cmpstr (targets[0], ==, "MyThing");
  g_assert_false (jd_new_job_dialog_get_continuous (dialog));
  g_assert_cmpuint (jd_new_job_dialog_get_timeout_minutes (dialog), ==, 0);
  g_assert_null (jd_new_job_dialog_dup_description (dialog));

  finish_dialog (dialog);
}

static void
test_create_and_busy (void)
{
  JdNewJobDialog *dialog = new_dialog ();
  guint count = 0;

  g_signal_connect (dialog, "create-requested", G_CALLBACK (on_create_requested), &count);

  /* Invalid: the action does nothing. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "job.create", NULL);
  g_assert_cmpuint (count, ==, 0);

  jd_new_job_dialog_set_job_id (dialog, "Job1");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "job.create", NULL);
  g_assert_cmpuint (count, ==, 1);

  /* While CreateJob is in flight a second press does nothing. */
  jd_new_job_dialog_set_busy (dialog, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "job.create", NULL);
  g_assert_cmpuint (count, ==, 1);

  /* A failure keeps everything the user typed. */
  jd_new_job_dialog_set_busy (dialog, FALSE);
  jd_new_job_dialog_show_error (dialog, "ResourceAlreadyExistsException: Job Job1 already exists");
  {
    g_autofree char *job_id = jd_new_job_dialog_dup_job_id (dialog);
    g_assert_cmpstr (job_id, ==, "Job1");
  }
  gtk_widget_activate_action (GTK_WIDGET (dialog), "job.create", NULL);
  g_assert_cmpuint (count, ==, 2);

  finish_dialog (dialog);
}

static void
test_templates_and_format (void)
{
  JdNewJobDialog *dialog = new_dialog ();
  g_autofree char *document = NULL;
  g_autofree char *formatted = NULL;

  jd_new_job_dialog_set_job_id (dialog, "Job1");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "job.template", "s", "install");
  document = jd_new_job_dialog_dup_document (dialog);
  g_assert_nonnull (strstr (document, "\"operation\":\"install\""));

  /* Format indents compact JSON; bad JSON is left as it is. */
  jd_new_job_dialog_set_document (dialog, "{\"a\":{\"b\":1}}");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "job.format", NULL);
  g_assert_true (jd_new_job_dialog_is_valid (dialog));
  formatted = jd_new_job_dialog_dup_document (dialog);
  g_assert_cmpstr (formatted, ==, "{\"a\":{\"b\":1}}");

  finish_dialog (dialog);
}

/* The document hint says the same as the problem, in the error style. */
static GtkLabel *
find_label (GtkWidget  *widget,
            const char *prefix)
{
  GtkLabel *found;

  if (GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_label (GTK_LABEL (widget)), prefix))
    return GTK_LABEL (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if ((found = find_label (c, prefix)) != NULL)
      return found;
  return NULL;
}

static void
test_lint_signed_files (void)
{
  JdNewJobDialog *dialog = new_dialog ();
  g_autofree char *good = NULL;
  g_autofree char *bad_second = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *codesign = NULL;
  GtkLabel *hint;

  jd_new_job_dialog_set_job_id (dialog, "Ota1");
  good = g_strdup_printf ("{\"afr_ota\":{\"protocols\":[\"HTTP\"],\"files\":["
                          "{\"filepath\":\"a.bin\",\"filesize\":3,\"fileid\":0,\"certfile\":\"c.crt\","
                          "\"update_data_url\":\"https://example.com/a.bin\",\"sig-sha256-ecdsa\":\"%s\"}]}}",
                          DER_SIGNATURE);
  jd_new_job_dialog_set_document (dialog, good);
  g_assert_true (jd_new_job_dialog_is_valid (dialog));

  /* The second entry's signature is not base64: said with its index, at the document. */
  bad_second = g_strdup_printf ("{\"afr_ota\":{\"protocols\":[\"HTTP\"],\"files\":["
                                "{\"filepath\":\"a.bin\",\"update_data_url\":\"https://example.com/a.bin\","
                                "\"sig-sha256-ecdsa\":\"%s\"},"
                                "{\"filepath\":\"b.bin\",\"update_data_url\":\"https://example.com/b.bin\","
                                "\"sig-sha256-ecdsa\":\"Zg===\"}]}}", DER_SIGNATURE);
  jd_new_job_dialog_set_document (dialog, bad_second);
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  g_assert_true (g_str_has_prefix (jd_new_job_dialog_get_problem (dialog), "files[1]: "));
  g_assert_nonnull (strstr (jd_new_job_dialog_get_problem (dialog), "base64"));
  hint = find_label (GTK_WIDGET (dialog), "files[1]: ");
  g_assert_nonnull (hint);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (hint), "error"));

  /* PEM text where base64 belongs. */
  pem = g_strdup ("{\"afr_ota\":{\"files\":[{\"filepath\":\"a.bin\",\"update_data_url\":\"https://e.com/a\","
                  "\"sig-sha256-ecdsa\":\"-----BEGIN SIGNATURE-----\"}]}}");
  jd_new_job_dialog_set_document (dialog, pem);
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  g_assert_nonnull (strstr (jd_new_job_dialog_get_problem (dialog), "PEM"));

  /* A codesign object with an unknown algorithm. */
  codesign = g_strdup_printf ("{\"codesign\":{\"signature\":\"%s\",\"signatureAlgorithm\":\"SHA512withECDSA\"},"
                              "\"url\":\"https://example.com/f.bin\"}", DER_SIGNATURE);
  jd_new_job_dialog_set_document (dialog, codesign);
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  g_assert_true (g_str_has_prefix (jd_new_job_dialog_get_problem (dialog), "codesign: "));

  /* Fixed: the problem clears, the hint says the JSON is fine. */
  jd_new_job_dialog_set_document (dialog, good);
  g_assert_true (jd_new_job_dialog_is_valid (dialog));
  g_assert_null (find_label (GTK_WIDGET (dialog), "files[1]: "));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "Valid JSON · 1 signed file"));

  /* An unsigned entry is said, as a warning, without blocking Create. */
  jd_new_job_dialog_set_document (dialog, "{\"afr_ota\":{\"files\":[{\"filepath\":\"a.bin\",\"filesize\":3}]}}");
  g_assert_true (jd_new_job_dialog_is_valid (dialog));
  hint = find_label (GTK_WIDGET (dialog), "files[0]: not signed");
  g_assert_nonnull (hint);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (hint), "warning"));

  finish_dialog (dialog);
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_node_ref (json_parser_get_root (parser));
}

static JsonNode *
dialog_document (JdNewJobDialog *dialog)
{
  g_autofree char *text = jd_new_job_dialog_dup_document (dialog);

  return parse (text);
}

static void
test_insert_signed_file (void)
{
  JdNewJobDialog *dialog = new_dialog ();
  g_autoptr(JsonNode) afr = parse ("{\"afr_ota\":{\"protocols\":[\"HTTP\"],\"files\":[{\"filepath\":\"a.bin\","
                                   "\"fileid\":0,\"update_data_url\":\"https://e.com/a\","
                                   "\"sig-sha256-ecdsa\":\"" DER_SIGNATURE "\"}]}}");
  g_autoptr(JsonNode) codesign = parse ("{\"codesign\":{\"signature\":\"" DER_SIGNATURE "\","
                                        "\"signatureAlgorithm\":\"SHA256withECDSA\"},"
                                        "\"filepath\":\"c.bin\",\"url\":\"https://e.com/c\"}");
  g_autoptr(JsonNode) document = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  JsonArray *list;

  jd_new_job_dialog_set_job_id (dialog, "Ota1");
  /* The template's members stay; afr_ota is made; a second file is appended with its own id. */
  g_assert_true (jd_new_job_dialog_insert_signed_file (dialog, afr, &error));
  g_assert_no_error (error);
  g_assert_true (jd_new_job_dialog_insert_signed_file (dialog, afr, &error));
  g_assert_no_error (error);
  document = dialog_document (dialog);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (document), "Todo"), ==, "Reboot");
  list = json_object_get_array_member (json_object_get_object_member (json_node_get_object (document), "afr_ota"),
                                       "files");
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (list, 1), "fileid"), ==, 1);

  /* codesign: its members at the top; a second one is refused and changes nothing. */
  g_assert_true (jd_new_job_dialog_insert_signed_file (dialog, codesign, &error));
  g_assert_no_error (error);
  g_clear_pointer (&document, json_node_unref);
  document = dialog_document (dialog);
  files = jd_codesign_find_files (document);
  g_assert_cmpuint (files->len, ==, 3);
  g_assert_cmpstr (jd_signed_file_get_url (g_ptr_array_index (files, 2)), ==, "https://e.com/c");
  g_assert_true (jd_new_job_dialog_is_valid (dialog));
  before = jd_new_job_dialog_dup_document (dialog);
  g_assert_false (jd_new_job_dialog_insert_signed_file (dialog, codesign, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  after = jd_new_job_dialog_dup_document (dialog);
  g_assert_cmpstr (before, ==, after);

  finish_dialog (dialog);
}

/* ---- Attach Signed File, without a sandbox: sign for a URL, or reference ---- */

typedef struct {
  char *dir;
  char *payload;
  char *key;           /* encrypted with "right" */
  char *cert;
  char *other_key;     /* another identity's key, unencrypted */
  char *other_cert;
  JdTestCa *ca;
} Keys;

static void
keys_init (Keys *k)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bytes = g_strnfill (100000, 'x');

  k->dir = g_dir_make_tmp ("jd-attach-XXXXXX", &error);
  g_assert_no_error (error);
  k->payload = g_build_filename (k->dir, "firmware.bin", NULL);
  for (guint i = 0; i < 100000; i++)
    bytes[i] = (char) (i * 7 + 3);
  g_assert_true (g_file_set_contents (k->payload, bytes, 100000, NULL));
  k->ca = jd_test_ca_new (k->dir, "signer");
  jd_test_ca_issue (k->ca, k->dir, "codesign", -60, 3600, "right", &k->cert, &k->key);
  jd_test_ca_issue (k->ca, k->dir, "other", -60, 3600, NULL, &k->other_cert, &k->other_key);
}

static void
keys_clear (Keys *k)
{
  jd_test_ca_free (k->ca);
  jd_test_ui_remove_tree (k->dir);
  g_free (k->dir);
  g_free (k->payload);
  g_free (k->key);
  g_free (k->cert);
  g_free (k->other_key);
  g_free (k->other_cert);
}

static void
on_attached (JdAttachFileDialog *dialog,
             JsonNode           *fragment,
             JsonNode          **slot)
{
  g_assert_null (*slot);
  *slot = json_node_copy (fragment);
}

static gboolean
not_busy (gpointer dialog)
{
  return !jd_attach_file_dialog_get_busy (dialog);
}

static gboolean
has_node (gpointer slot)
{
  return *(JsonNode **) slot != NULL;
}

static void
run_attach (JdAttachFileDialog *dialog)
{
  gtk_widget_activate_action (GTK_WIDGET (dialog), "attach.attach", NULL);
  g_assert_true (jd_test_ui_wait_for (not_busy, dialog, 20000));
}

/* The signature of @fragment's one file holds for @payload under @cert. */
static void
assert_signature_holds (JsonNode   *fragment,
                        const char *payload,
                        const char *cert)
{
  g_autoptr(GPtrArray) files = jd_codesign_find_files (fragment);
  g_autoptr(JdCodesignCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  guint8 sha256[32];
  gsize len = 0, digest_len = sizeof sha256;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_assert_cmpuint (files->len, ==, 1);
  certificate = jd_codesign_certificate_new_from_file (cert, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (payload, &data, &len, NULL));
  g_checksum_update (checksum, (const guchar *) data, len);
  g_checksum_get_digest (checksum, sha256, &digest_len);
  g_assert_cmpint (jd_signed_file_get_size (g_ptr_array_index (files, 0)), ==, (gint64) len);
  g_assert_true (jd_codesign_verify_digest (g_ptr_array_index (files, 0), certificate, sha256, NULL, &error));
  g_assert_no_error (error);
}

/* With JOBDECK_SCREENSHOT_DIR set, @widget as a PNG there (to look at). */
static void
maybe_save_png (GtkWidget  *widget,
                const char *name)
{
  const char *dir = g_getenv ("JOBDECK_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, name, NULL);
  paintable = gtk_widget_paintable_new (widget);
  for (guint attempt = 0; node == NULL && attempt < 100; attempt++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      jd_test_ui_spin (20);
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), gtk_widget_get_width (widget),
                              gtk_widget_get_height (widget));
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                              gtk_widget_get_height (widget)));
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

static void
test_attach_errors_at_fields (void)
{
  Keys k = { 0 };
  JdAttachFileDialog *dialog;
  g_autoptr(GFile) payload = NULL;
  g_autoptr(JsonNode) fragment = NULL;
  g_autoptr(GPtrArray) files = NULL;

  keys_init (&k);
  payload = g_file_new_for_path (k.payload);
  dialog = g_object_ref_sink (jd_attach_file_dialog_new (NULL, NULL));
  g_signal_connect (dialog, "attached", G_CALLBACK (on_attached), &fragment);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_false (jd_attach_file_dialog_get_can_upload (dialog));

  /* Nothing chosen: Attach says what is missing, at the file. */
  run_attach (dialog);
  g_assert_cmpint (jd_attach_file_dialog_get_problem_field (dialog), ==, JD_ATTACH_FIELD_FILE);
  g_assert_true (jd_test_ui_tree_shows (GTK_WIDGET (dialog), "Choose the file to sign"));

  jd_attach_file_dialog_set_file (dialog, payload);
  jd_attach_file_dialog_set_own_identity (dialog, k.key, k.cert);
  jd_attach_file_dialog_set_url (dialog, "not a url");
  g_assert_cmpint (jd_attach_file_dialog_get_problem_field (dialog), ==, JD_ATTACH_FIELD_URL);
  jd_attach_file_dialog_set_url (dialog, "https://updates.example.com/firmware.bin");
  g_assert_null (jd_attach_file_dialog_get_problem (dialog));

  /* A wrong passphrase: said under the passphrase, nothing attached. */
  jd_attach_file_dialog_set_passphrase (dialog, "wrong");
  run_attach (dialog);
  g_assert_null (fragment);
  g_assert_cmpint (jd_attach_file_dialog_get_problem_field (dialog), ==, JD_ATTACH_FIELD_PASSPHRASE);
  g_test_message ("passphrase problem: %s", jd_attach_file_dialog_get_problem (dialog));
  g_assert_nonnull (strstr (jd_attach_file_dialog_get_problem (dialog), "passphrase does not open"));
  g_assert_true (jd_test_ui_tree_shows (GTK_WIDGET (dialog), jd_attach_file_dialog_get_problem (dialog)));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (find_label (GTK_WIDGET (dialog), "This passphrase")), "error"));
  maybe_save_png (GTK_WIDGET (dialog), "attach-wrong-passphrase.png");

  /* Typing clears it. */
  jd_attach_file_dialog_set_passphrase (dialog, "right");
  g_assert_null (jd_attach_file_dialog_get_problem (dialog));

  /* A key that is not the certificate's: said under the key. */
  jd_attach_file_dialog_set_own_identity (dialog, k.other_key, k.cert);
  run_attach (dialog);
  g_assert_null (fragment);
  g_assert_cmpint (jd_attach_file_dialog_get_problem_field (dialog), ==, JD_ATTACH_FIELD_KEY);
  g_assert_nonnull (strstr (jd_attach_file_dialog_get_problem (dialog), "does not belong"));

  /* A key file that is no certificate: under the certificate. */
  jd_attach_file_dialog_set_own_identity (dialog, k.other_key, k.payload);
  run_attach (dialog);
  g_assert_cmpint (jd_attach_file_dialog_get_problem_field (dialog), ==, JD_ATTACH_FIELD_CERTIFICATE);

  /* The right one: codesign shape, for the URL given; the signature holds. */
  jd_attach_file_dialog_set_own_identity (dialog, k.key, k.cert);
  jd_attach_file_dialog_set_passphrase (dialog, "right");
  jd_attach_file_dialog_set_shape (dialog, JD_CODESIGN_SHAPE_CODESIGN);
  run_attach (dialog);
  g_assert_true (jd_test_ui_wait_for (has_node, &fragment, 5000));
  files = jd_codesign_find_files (fragment);
  g_assert_cmpuint (files->len, ==, 1);
  g_assert_cmpint (jd_signed_file_get_shape (g_ptr_array_index (files, 0)), ==, JD_CODESIGN_SHAPE_CODESIGN);
  g_assert_cmpstr (jd_signed_file_get_url (g_ptr_array_index (files, 0)), ==,
                   "https://updates.example.com/firmware.bin");
  assert_signature_holds (fragment, k.payload, k.cert);

  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_finalize_object (dialog);
  keys_clear (&k);
}

static void
test_attach_reference (void)
{
  JdAttachFileDialog *dialog = g_object_ref_sink (jd_attach_file_dialog_new (NULL, NULL));
  g_autoptr(JsonNode) fragment = NULL;
  g_autoptr(GPtrArray) files = NULL;
  JdSignedFile *file;

  g_signal_connect (dialog, "attached", G_CALLBACK (on_attached), &fragment);
  /* A signature that is not base64 is said at once, at the signature. */
  jd_attach_file_dialog_set_reference (dialog, "https://bucket.s3.amazonaws.com/fw/app.bin?X-Amz-Signature=1", "Zg===");
  g_assert_cmpint (jd_attach_file_dialog_get_problem_field (dialog), ==, JD_ATTACH_FIELD_SIGNATURE);
  g_assert_nonnull (strstr (jd_attach_file_dialog_get_problem (dialog), "base64"));
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (jd_test_ui_tree_shows (GTK_WIDGET (dialog), "A file that already has a URL and a signature, for example from AWS Signer."));
  maybe_save_png (GTK_WIDGET (dialog), "attach-reference.png");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "attach.attach", NULL);
  g_assert_null (fragment);

  jd_attach_file_dialog_set_reference (dialog, "https://bucket.s3.amazonaws.com/fw/app.bin?X-Amz-Signature=1",
                                       DER_SIGNATURE);
  g_assert_null (jd_attach_file_dialog_get_problem (dialog));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "attach.attach", NULL);
  g_assert_nonnull (fragment);
  files = jd_codesign_find_files (fragment);
  g_assert_cmpuint (files->len, ==, 1);
  file = g_ptr_array_index (files, 0);
  g_assert_cmpint (jd_signed_file_get_shape (file), ==, JD_CODESIGN_SHAPE_AFR_OTA);
  g_assert_cmpstr (jd_signed_file_get_path (file), ==, "app.bin");
  g_assert_cmpstr (jd_signed_file_get_signature (file), ==, DER_SIGNATURE);
  g_assert_cmpstr (jd_signed_file_get_algorithm_name (file), ==, "sig-sha256-ecdsa");
  g_assert_true (jd_codesign_lint_file (file, NULL));

  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_finalize_object (dialog);
}

static gboolean
passphrase_is (gpointer dialog)
{
  return g_strcmp0 (jd_attach_file_dialog_get_passphrase (dialog), "right") == 0;
}

/* The passphrase, kept in the keyring once, comes back for the same key. */
static void
test_attach_passphrase_keyring (void)
{
  Keys k = { 0 };
  JdAttachFileDialog *dialog;
  g_autoptr(GFile) payload = NULL;
  g_autoptr(JsonNode) fragment = NULL;

  keys_init (&k);
  payload = g_file_new_for_path (k.payload);
  dialog = g_object_ref_sink (jd_attach_file_dialog_new (NULL, NULL));
  g_signal_connect (dialog, "attached", G_CALLBACK (on_attached), &fragment);
  jd_attach_file_dialog_set_file (dialog, payload);
  jd_attach_file_dialog_set_own_identity (dialog, k.key, k.cert);
  jd_attach_file_dialog_set_url (dialog, "https://updates.example.com/firmware.bin");
  jd_attach_file_dialog_set_passphrase (dialog, "right");
  jd_attach_file_dialog_set_remember_passphrase (dialog, TRUE);
  run_attach (dialog);
  g_assert_true (jd_test_ui_wait_for (has_node, &fragment, 5000));
  assert_signature_holds (fragment, k.payload, k.cert);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_finalize_object (dialog);

  dialog = g_object_ref_sink (jd_attach_file_dialog_new (NULL, NULL));
  g_assert_cmpstr (jd_attach_file_dialog_get_passphrase (dialog), ==, "");
  jd_attach_file_dialog_set_own_identity (dialog, k.key, k.cert);
  g_assert_true (jd_test_ui_wait_for (passphrase_is, dialog, 10000));
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_finalize_object (dialog);
  keys_clear (&k);
}

/* ---- on the sandbox the app starts ---- */

static JdSession *sandbox;
static char *sandbox_dir;

typedef struct {
  gboolean  done;
  gpointer  result;
  GError   *error;
} Result;

static gboolean
result_done (gpointer data)
{
  return ((Result *) data)->done;
}

static gboolean
sandbox_connected (gpointer data)
{
  return jd_session_get_state (sandbox) == JD_SESSION_STATE_CONNECTED &&
         jd_session_get_control_plane (sandbox) != NULL;
}

static void
session_started_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Result *r = user_data;

  r->result = GINT_TO_POINTER (jd_session_start_finish (JD_SESSION (object), result, &r->error));
  r->done = TRUE;
}

/* Each control-plane call of the tests, waited for with a deadline. */
#define WAIT_CP(r, call, finish_fn)                                          \
  G_STMT_START {                                                             \
    (r) = (Result) { 0 };                                                    \
    call;                                                                    \
    g_assert_true (jd_test_ui_wait_for (result_done, &(r), 20000));          \
  } G_STMT_END

static void
thing_created_cb (GObject *o, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->result = jd_control_plane_create_thing_finish (JD_CONTROL_PLANE (o), res, &r->error);
  r->done = TRUE;
}

static void
group_created_cb (GObject *o, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->result = jd_control_plane_create_thing_group_finish (JD_CONTROL_PLANE (o), res, &r->error);
  r->done = TRUE;
}

static void
member_added_cb (GObject *o, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->result = GINT_TO_POINTER (jd_control_plane_add_thing_to_thing_group_finish (JD_CONTROL_PLANE (o), res, &r->error));
  r->done = TRUE;
}

static void
described_cb (GObject *o, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->result = jd_control_plane_describe_job_only_finish (JD_CONTROL_PLANE (o), res, &r->error);
  r->done = TRUE;
}

static void
dialog_created_cb (GObject *o, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->result = jd_new_job_dialog_create_finish (JD_NEW_JOB_DIALOG (o), res, &r->error);
  r->done = TRUE;
}

static JdControlPlane *
control_plane (void)
{
  return jd_session_get_control_plane (sandbox);
}

/* The sandbox, started once, with two pumps, a valve and group Floor1. */
static void
ensure_sandbox (void)
{
  Result r;
  const char *things[] = { "Pump1", "Pump2", "Valve1" };

  if (sandbox != NULL)
    return;
  sandbox_dir = g_dir_make_tmp ("jd-newjob-sandbox-XXXXXX", NULL);
  g_assert_nonnull (sandbox_dir);
  sandbox = jd_sandbox_session_new (NULL, sandbox_dir);
  WAIT_CP (r, jd_session_start_async (sandbox, NULL, session_started_cb, &r), NULL);
  g_assert_no_error (r.error);
  g_assert_true (jd_test_ui_wait_for (sandbox_connected, NULL, 30000));

  for (guint i = 0; i < G_N_ELEMENTS (things); i++)
    {
      WAIT_CP (r, jd_control_plane_create_thing_async (control_plane (), things[i], NULL, NULL, thing_created_cb, &r),
               NULL);
      g_assert_no_error (r.error);
      g_clear_object (&r.result);
    }
  WAIT_CP (r, jd_control_plane_create_thing_group_async (control_plane (), "Floor1", NULL, NULL, NULL,
                                                         group_created_cb, &r), NULL);
  g_assert_no_error (r.error);
  g_clear_pointer ((JsonNode **) &r.result, json_node_unref);
  WAIT_CP (r, jd_control_plane_add_thing_to_thing_group_async (control_plane (), "Floor1", "Pump1", NULL,
                                                               member_added_cb, &r), NULL);
  g_assert_no_error (r.error);
}

static void
stop_sandbox (void)
{
  Result r = { 0 };

  if (sandbox == NULL)
    return;
  jd_session_stop_async (sandbox, NULL, session_started_cb, &r);
  g_assert_true (jd_test_ui_wait_for (result_done, &r, 20000));
  g_clear_error (&r.error);
  g_assert_finalize_object (sandbox);
  sandbox = NULL;
  jd_test_ui_remove_tree (sandbox_dir);
  g_clear_pointer (&sandbox_dir, g_free);
}

static gboolean
picker_settled (gpointer picker)
{
  JdTargetPickerState state = jd_target_picker_get_state (picker);

  return state == JD_TARGET_PICKER_READY || state == JD_TARGET_PICKER_FAILED;
}

static JdNewJobDialog *
sandbox_dialog (const char *job_id)
{
  JdNewJobDialog *dialog = g_object_ref_sink (jd_new_job_dialog_new (NULL, NULL));
  JdTargetPicker *picker = jd_new_job_dialog_get_target_picker (dialog);

  ensure_sandbox ();
  jd_new_job_dialog_set_job_id (dialog, job_id);
  jd_new_job_dialog_set_session (dialog, sandbox);
  /* Loading never blocks: the spinner first, the lists later. */
  g_assert_cmpint (jd_target_picker_get_state (picker), ==, JD_TARGET_PICKER_LOADING);
  g_assert_true (jd_test_ui_wait_for (picker_settled, picker, 20000));
  g_assert_cmpint (jd_target_picker_get_state (picker), ==, JD_TARGET_PICKER_READY);
  return dialog;
}

/* The row titled @title among @widget's descendants that are offered rows
 * (their prefix is a check button). */
static AdwActionRow *
find_offered_row (GtkWidget  *widget,
                  const char *title)
{
  AdwActionRow *found;

  if (ADW_IS_ACTION_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0 &&
      GTK_IS_CHECK_BUTTON (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (widget))))
    return ADW_ACTION_ROW (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if ((found = find_offered_row (c, title)) != NULL)
      return found;
  return NULL;
}

static JdJob *
describe (const char *job_id,
          GError    **error)
{
  Result r;

  WAIT_CP (r, jd_control_plane_describe_job_only_async (control_plane (), job_id, NULL, described_cb, &r), NULL);
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.result;
}

static JdJob *
create_from_dialog (JdNewJobDialog *dialog,
                    GError        **error)
{
  Result r;

  WAIT_CP (r, jd_new_job_dialog_create_async (dialog, NULL, dialog_created_cb, &r), NULL);
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.result;
}

static void
test_pickers_on_sandbox (void)
{
  JdNewJobDialog *dialog = sandbox_dialog ("FloorAndPump");
  JdTargetPicker *picker = jd_new_job_dialog_get_target_picker (dialog);
  g_autoptr(JdJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *thing_arn = NULL;
  g_autofree char *group_arn = NULL;
  g_autofree char *prefix = NULL;
  AdwActionRow *row;
  const char *const *targets;

  /* The sandbox's things (MyThing and the three) and its group. */
  g_assert_cmpuint (jd_target_picker_get_n_offered (picker, JD_TARGET_KIND_GROUP), ==, 1);
  g_assert_cmpuint (jd_target_picker_get_n_offered (picker, JD_TARGET_KIND_THING), ==, 4);
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  g_assert_cmpstr (jd_new_job_dialog_get_problem (dialog), ==, "Choose at least one thing or thing group");

  /* Searchable, case-folded. */
  jd_target_picker_set_search (picker, "PUMP");
  g_assert_cmpuint (jd_target_picker_get_n_shown (picker), ==, 2);
  jd_target_picker_set_search (picker, "floor");
  g_assert_cmpuint (jd_target_picker_get_n_shown (picker), ==, 1);
  jd_target_picker_set_search (picker, NULL);
  g_assert_cmpuint (jd_target_picker_get_n_shown (picker), ==, 5);

  /* Without a group, no CONTINUOUS. */
  jd_new_job_dialog_set_continuous (dialog, TRUE);
  g_assert_false (jd_new_job_dialog_get_continuous (dialog));

  /* Ticking rows chooses them; each chosen target is a row of its own. */
  row = find_offered_row (GTK_WIDGET (dialog), "Floor1");
  g_assert_nonnull (row);
  adw_action_row_activate (row);
  row = find_offered_row (GTK_WIDGET (dialog), "Pump2");
  g_assert_nonnull (row);
  adw_action_row_activate (row);
  row = find_offered_row (GTK_WIDGET (dialog), "Valve1");
  adw_action_row_activate (row);
  g_assert_cmpuint (jd_target_picker_get_n_chosen (picker, JD_TARGET_KIND_GROUP), ==, 1);
  g_assert_cmpuint (jd_target_picker_get_n_chosen (picker, JD_TARGET_KIND_THING), ==, 2);
  /* The chosen ones listed, each with its kind. */
  g_assert_cmpuint (jd_test_ui_count_labels (GTK_WIDGET (dialog), "Valve1"), ==, 2);
  /* Unticking removes again. */
  adw_action_row_activate (row);
  g_assert_cmpuint (jd_target_picker_get_n_chosen (picker, JD_TARGET_KIND_THING), ==, 1);

  /* With a group, CONTINUOUS may be chosen. */
  jd_new_job_dialog_set_continuous (dialog, TRUE);
  g_assert_true (jd_new_job_dialog_get_continuous (dialog));
  g_assert_true (jd_new_job_dialog_is_valid (dialog));

  job = create_from_dialog (dialog, &error);
  g_assert_no_error (error);
  g_assert_nonnull (job);
  g_clear_object (&job);

  /* On the service: both ARNs, as chosen. */
  job = describe ("FloorAndPump", &error);
  g_assert_no_error (error);
  prefix = jd_session_dup_thing_arn (sandbox, "");
  thing_arn = g_strconcat (prefix, "Pump2", NULL);
  /* "arn:aws:iot:R:A:thing/" → "arn:aws:iot:R:A:thinggroup/Floor1" */
  prefix[strlen (prefix) - strlen ("thing/")] = '\0';
  group_arn = g_strconcat (prefix, "thinggroup/Floor1", NULL);
  targets = jd_job_get_targets (job);
  g_assert_cmpuint (g_strv_length ((GStrv) targets), ==, 2);
  g_assert_true (g_strv_contains (targets, thing_arn));
  g_assert_true (g_strv_contains (targets, group_arn));
  g_assert_cmpint (jd_job_get_target_selection (job), ==, JD_TARGET_SELECTION_CONTINUOUS);

  finish_dialog (dialog);
}

static void
test_settings_refused (void)
{
  JdNewJobDialog *dialog = sandbox_dialog ("TooMuchAbort");
  JdJobSettings *settings = jd_new_job_dialog_get_settings (dialog);
  g_autoptr(JdJob) job = NULL;
  g_autoptr(GError) error = NULL;
  const char *problem;

  jd_target_picker_choose (jd_new_job_dialog_get_target_picker (dialog), JD_TARGET_KIND_THING, "Pump1");
  g_assert_true (jd_new_job_dialog_is_valid (dialog));

  g_assert_true (jd_job_settings_add_abort (settings, JD_FAILURE_TYPE_FAILED, 150, 10));
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  problem = jd_new_job_dialog_get_problem (dialog);
  g_test_message ("abort problem: %s", problem);
  /* The core's words, at the Abort section. */
  g_assert_cmpstr (problem, ==, "abortConfig.criteriaList.1.member.thresholdPercentage must be from 0 to 100");
  g_assert_cmpint (jd_job_settings_get_problem_section (settings), ==, JD_JOB_SETTINGS_ABORT);
  g_assert_true (jd_test_ui_tree_shows (GTK_WIDGET (settings), problem));

  /* Nothing is sent, nothing is created. */
  job = create_from_dialog (dialog, &error);
  g_assert_null (job);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  job = describe ("TooMuchAbort", &error);
  g_assert_null (job);
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* Other sections: each message where it belongs. */
  jd_job_settings_add_abort (settings, JD_FAILURE_TYPE_FAILED, 10, 10);
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  jd_job_settings_set_timeout (settings, 20000);
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  jd_job_settings_set_schedule (settings, "2020-01-01 10:00", NULL, JD_END_BEHAVIOR_STOP_ROLLOUT);
  g_assert_false (jd_new_job_dialog_is_valid (dialog));

  finish_dialog (dialog);

  dialog = sandbox_dialog ("Scheduled");
  settings = jd_new_job_dialog_get_settings (dialog);
  jd_target_picker_choose (jd_new_job_dialog_get_target_picker (dialog), JD_TARGET_KIND_THING, "Pump1");
  jd_job_settings_set_schedule (settings, "2020-01-01 10:00", NULL, JD_END_BEHAVIOR_STOP_ROLLOUT);
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  g_assert_cmpint (jd_job_settings_get_problem_section (settings), ==, JD_JOB_SETTINGS_SCHEDULING);
  g_assert_nonnull (strstr (jd_new_job_dialog_get_problem (dialog), "30 minutes"));
  jd_job_settings_set_timeout (settings, 20000);
  jd_job_settings_set_schedule (settings, NULL, NULL, JD_END_BEHAVIOR_STOP_ROLLOUT);
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  g_assert_cmpint (jd_job_settings_get_problem_section (settings), ==, JD_JOB_SETTINGS_TIMEOUT);
  jd_job_settings_set_timeout (settings, 0);
  jd_job_settings_set_exponential_rollout (settings, 5, 7.5, FALSE, 10, 0);
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  g_assert_cmpint (jd_job_settings_get_problem_section (settings), ==, JD_JOB_SETTINGS_ROLLOUT);
  g_assert_nonnull (strstr (jd_new_job_dialog_get_problem (dialog), "incrementFactor"));
  finish_dialog (dialog);
}

static void
test_settings_sent (void)
{
  JdNewJobDialog *dialog = sandbox_dialog ("FleetSettings");
  JdJobSettings *settings = jd_new_job_dialog_get_settings (dialog);
  g_autoptr(JdJob) job = NULL;
  g_autoptr(GError) error = NULL;
  const JdJobConfig *config;
  const JdAbortCriterion *a;
  const JdRetryCriterion *rc;

  jd_target_picker_choose (jd_new_job_dialog_get_target_picker (dialog), JD_TARGET_KIND_GROUP, "Floor1");
  jd_job_settings_set_exponential_rollout (settings, 5, 2.5, TRUE, 20, 200);
  g_assert_true (jd_job_settings_add_abort (settings, JD_FAILURE_TYPE_FAILED, 12.5, 10));
  g_assert_true (jd_job_settings_add_abort (settings, JD_FAILURE_TYPE_TIMED_OUT, 30, 4));
  g_assert_true (jd_job_settings_add_retry (settings, JD_FAILURE_TYPE_FAILED, 2));
  g_assert_true (jd_job_settings_add_retry (settings, JD_FAILURE_TYPE_TIMED_OUT, 1));
  g_assert_false (jd_job_settings_add_retry (settings, JD_FAILURE_TYPE_ALL, 1));
  jd_job_settings_set_timeout (settings, 45);
  g_assert_true (jd_new_job_dialog_is_valid (dialog));
  g_assert_null (jd_job_settings_get_problem (settings));

  job = create_from_dialog (dialog, &error);
  g_assert_no_error (error);
  g_clear_object (&job);

  job = describe ("FleetSettings", &error);
  g_assert_no_error (error);
  config = jd_job_get_config (job);
  g_assert_true (config->has_rollout);
  g_assert_true (config->has_exponential);
  g_assert_cmpint (config->base_rate_per_minute, ==, 5);
  g_assert_cmpfloat_with_epsilon (config->increment_factor, 2.5, 1e-9);
  g_assert_cmpint (config->succeeded_threshold, ==, 20);
  g_assert_cmpint (config->notified_threshold, ==, 0);
  g_assert_cmpint (config->maximum_per_minute, ==, 200);
  g_assert_cmpuint (config->abort_criteria->len, ==, 2);
  a = &g_array_index (config->abort_criteria, JdAbortCriterion, 0);
  g_assert_cmpint (a->failure_type, ==, JD_FAILURE_TYPE_FAILED);
  g_assert_cmpfloat_with_epsilon (a->threshold_percentage, 12.5, 1e-9);
  g_assert_cmpint (a->min_executed, ==, 10);
  a = &g_array_index (config->abort_criteria, JdAbortCriterion, 1);
  g_assert_cmpint (a->failure_type, ==, JD_FAILURE_TYPE_TIMED_OUT);
  g_assert_cmpfloat_with_epsilon (a->threshold_percentage, 30, 1e-9);
  g_assert_cmpint (a->min_executed, ==, 4);
  g_assert_cmpuint (config->retry_criteria->len, ==, 2);
  rc = &g_array_index (config->retry_criteria, JdRetryCriterion, 0);
  g_assert_cmpint (rc->failure_type, ==, JD_FAILURE_TYPE_FAILED);
  g_assert_cmpint (rc->retries, ==, 2);
  rc = &g_array_index (config->retry_criteria, JdRetryCriterion, 1);
  g_assert_cmpint (rc->failure_type, ==, JD_FAILURE_TYPE_TIMED_OUT);
  g_assert_cmpint (rc->retries, ==, 1);
  g_assert_cmpint (config->in_progress_timeout, ==, 45);
  g_assert_cmpint (jd_job_get_in_progress_timeout_minutes (job), ==, 45);

  finish_dialog (dialog);
}

/* Until @widget is about @width wide (the window manager may take a few
 * pixels for decorations). */
static gboolean
wait_for_size (GtkWidget *widget,
               int        width)
{
  for (guint i = 0; i < 500 && ABS (gtk_widget_get_width (widget) - width) > 16; i++)
    jd_test_ui_spin (10);
  return ABS (gtk_widget_get_width (widget) - width) <= 16;
}

/* Scrolls the dialog so that @widget is at its top. */
static void
scroll_to (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  graphene_point_t point;

  jd_test_ui_spin (50);
  g_assert_true (gtk_widget_compute_point (widget, gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)),
                                           &GRAPHENE_POINT_INIT (0, 0), &point));
  gtk_adjustment_set_value (adjustment, point.y);
  jd_test_ui_spin (50);
}

static GtkButton *
find_button (GtkWidget  *widget,
             const char *label)
{
  GtkButton *found;

  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0 &&
      gtk_widget_is_drawable (widget))
    return GTK_BUTTON (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if ((found = find_button (c, label)) != NULL)
      return found;
  return NULL;
}

/* Lists that cannot be loaded say why, with Retry; Retry loads them. */
static void
test_pickers_error_and_retry (void)
{
  JdNewJobDialog *dialog = sandbox_dialog ("Retried");
  JdTargetPicker *picker = jd_new_job_dialog_get_target_picker (dialog);
  g_autoptr(JdCredentials) good = g_object_ref (jd_control_plane_get_credentials (control_plane ()));
  g_autoptr(JdCredentials) bad = jd_credentials_new ("AKIAWRONGWRONGWRONG", "not-the-secret", NULL,
                                                     jd_credentials_get_region (good));
  GtkButton *retry;

  gtk_window_present (GTK_WINDOW (dialog));
  /* The service refuses a signature it cannot verify. */
  jd_control_plane_set_credentials (control_plane (), bad);
  jd_target_picker_reload (picker);
  g_assert_true (jd_test_ui_wait_for (picker_settled, picker, 20000));
  g_assert_cmpint (jd_target_picker_get_state (picker), ==, JD_TARGET_PICKER_FAILED);
  g_test_message ("load error: %s", jd_target_picker_get_error (picker));
  g_assert_true (g_str_has_prefix (jd_target_picker_get_error (picker), "Things and groups could not be loaded: "));
  g_assert_true (jd_test_ui_tree_shows (GTK_WIDGET (dialog), jd_target_picker_get_error (picker)));
  scroll_to (GTK_WIDGET (picker));
  maybe_save_png (GTK_WIDGET (dialog), "new-job-pickers-error.png");
  jd_control_plane_set_credentials (control_plane (), good);

  retry = find_button (GTK_WIDGET (dialog), "_Retry");
  g_assert_nonnull (retry);
  g_signal_emit_by_name (retry, "clicked");
  g_assert_cmpint (jd_target_picker_get_state (picker), ==, JD_TARGET_PICKER_LOADING);
  g_assert_true (jd_test_ui_wait_for (picker_settled, picker, 20000));
  g_assert_cmpint (jd_target_picker_get_state (picker), ==, JD_TARGET_PICKER_READY);
  g_assert_cmpuint (jd_target_picker_get_n_offered (picker, JD_TARGET_KIND_THING), >=, 4);

  finish_dialog (dialog);
}

/* ---- job templates ---- */

#define CUSTOM_TEMPLATE_DOCUMENT "{\"operation\":\"update\",\"version\":\"2.0\"}"

static void
template_created_cb (GObject *o, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->result = jd_control_plane_create_job_template_finish (JD_CONTROL_PLANE (o), res, &r->error);
  r->done = TRUE;
}

static void
document_got_cb (GObject *o, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->result = jd_control_plane_get_job_document_finish (JD_CONTROL_PLANE (o), res, &r->error);
  r->done = TRUE;
}

/* The sandbox with the custom template fw-update, made once. */
static void
ensure_custom_template (void)
{
  static gboolean made;
  Result r;

  ensure_sandbox ();
  if (made)
    return;
  WAIT_CP (r, jd_control_plane_create_job_template_async (control_plane (), "fw-update", "Firmware update",
                                                          CUSTOM_TEMPLATE_DOCUMENT, NULL, NULL, NULL,
                                                          template_created_cb, &r), NULL);
  g_assert_no_error (r.error);
  g_clear_pointer ((JsonNode **) &r.result, json_node_unref);
  made = TRUE;
}

static gboolean
chooser_settled (gpointer chooser)
{
  JdTemplateChooserState state = jd_template_chooser_get_state (chooser);

  return state == JD_TEMPLATE_CHOOSER_READY || state == JD_TEMPLATE_CHOOSER_FAILED;
}

static gboolean
chooser_has_no_problem (gpointer chooser)
{
  return jd_template_chooser_get_problem (chooser) == NULL;
}

/* The dialog on the sandbox with its templates listed, presented (so that
 * what it shows can be asked), Pump1 as the target. */
static JdNewJobDialog *
template_dialog (const char *job_id)
{
  JdNewJobDialog *dialog;
  JdTemplateChooser *chooser;

  ensure_custom_template ();
  dialog = sandbox_dialog (job_id);
  chooser = jd_new_job_dialog_get_template_chooser (dialog);
  g_assert_true (jd_test_ui_wait_for (chooser_settled, chooser, 20000));
  g_assert_cmpint (jd_template_chooser_get_state (chooser), ==, JD_TEMPLATE_CHOOSER_READY);
  jd_target_picker_choose (jd_new_job_dialog_get_target_picker (dialog), JD_TARGET_KIND_THING, "Pump1");
  gtk_window_set_default_size (GTK_WINDOW (dialog), 620, 1100);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static AdwEntryRow *
find_entry_row (GtkWidget  *widget,
                const char *title)
{
  AdwEntryRow *found;

  if (ADW_IS_ENTRY_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return ADW_ENTRY_ROW (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if ((found = find_entry_row (c, title)) != NULL)
      return found;
  return NULL;
}

static GtkWidget *
create_button (JdNewJobDialog *dialog)
{
  GtkButton *button = find_button (GTK_WIDGET (dialog), "C_reate");

  g_assert_nonnull (button);
  return GTK_WIDGET (button);
}

static JsonObject *
job_document (const char *job_id)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  Result r;

  WAIT_CP (r, jd_control_plane_get_job_document_async (control_plane (), job_id, NULL, document_got_cb, &r), NULL);
  g_assert_no_error (r.error);
  text = r.result;
  g_test_message ("%s's document: %s", job_id, text);
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* @data: { the dialog, the words } */
static gboolean
dialog_shows (gpointer data)
{
  const char **what = data;

  return jd_test_ui_tree_shows (GTK_WIDGET (what[0]), what[1]);
}

static void
test_managed_template (void)
{
  JdNewJobDialog *dialog = template_dialog ("FromRunCommand");
  JdTemplateChooser *chooser = jd_new_job_dialog_get_template_chooser (dialog);
  const JdManagedTemplate *run = jd_managed_template_find ("AWS-Run-Command", NULL);
  g_auto(GStrv) offered = jd_template_chooser_dup_offered (chooser);
  g_autoptr(GError) core_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdJob) job = NULL;
  g_autoptr(JsonObject) document = NULL;
  g_autofree char *preview = NULL;
  g_autofree char *region = NULL, *account = NULL, *name = NULL, *version = NULL;
  g_autofree char *arn = NULL;
  AdwEntryRow *command;
  JsonObject *action;
  guint n_managed;
  int minimum = 0;

  /* None first, the account's template, and every managed one the core knows. */
  jd_managed_templates (&n_managed);
  g_assert_cmpuint (jd_template_chooser_get_n_offered (chooser, JD_TEMPLATE_KIND_MANAGED), ==, n_managed);
  g_assert_cmpuint (jd_template_chooser_get_n_offered (chooser, JD_TEMPLATE_KIND_CUSTOM), ==, 1);
  g_assert_cmpstr (offered[0], ==, "None");
  g_assert_true (g_strv_contains ((const char *const *) offered, "fw-update"));
  g_assert_true (g_strv_contains ((const char *const *) offered, "AWS-Reboot"));
  g_assert_true (g_strv_contains ((const char *const *) offered, "AWS-Run-Command"));
  g_assert_true (g_strv_contains ((const char *const *) offered, "AWS-Download-File"));
  g_assert_true (g_strv_contains ((const char *const *) offered, "AWS-Install-Application"));
  g_assert_cmpint (jd_template_chooser_get_kind (chooser), ==, JD_TEMPLATE_KIND_NONE);
  g_assert_true (jd_new_job_dialog_is_valid (dialog));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (jd_new_job_dialog_get_settings (dialog))));

  /* AWS-Run-Command: one row per parameter; "command" is required. */
  g_assert_true (jd_template_chooser_select (chooser, "AWS-Run-Command"));
  g_assert_cmpint (jd_template_chooser_get_kind (chooser), ==, JD_TEMPLATE_KIND_MANAGED);
  command = jd_template_chooser_get_parameter_row (chooser, "command");
  g_assert_nonnull (command);
  g_assert_true (jd_test_ui_tree_shows (GTK_WIDGET (dialog), "command"));
  g_assert_true (jd_test_ui_tree_shows (GTK_WIDGET (dialog), "runAsUser"));
  g_assert_nonnull (jd_template_chooser_get_parameter_row (chooser, "runAsUser"));
  g_assert_null (jd_template_chooser_get_parameter_row (chooser, "pathToHandler"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (command)), ==, run->parameters[0].description);
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  g_assert_cmpstr (jd_new_job_dialog_get_problem (dialog), ==, "command: Enter a value for command");
  g_assert_false (gtk_widget_get_sensitive (create_button (dialog)));
  /* The settings cannot go with a template; they say so. */
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (jd_new_job_dialog_get_settings (dialog))));

  /* A refused value: the core's words under the form, Create insensitive. */
  gtk_editable_set_text (GTK_EDITABLE (command), "echo\thi");
  g_assert_false (jd_managed_template_check_value (&run->parameters[0], "echo\thi", &core_error));
  g_test_message ("refused: %s", core_error->message);
  g_assert_true (jd_test_ui_tree_shows (GTK_WIDGET (dialog), core_error->message));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (command), "error"));
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  g_assert_false (gtk_widget_get_sensitive (create_button (dialog)));
  job = create_from_dialog (dialog, &error);
  g_assert_null (job);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* A valid one: the preview has it in place; Create is possible. */
  gtk_editable_set_text (GTK_EDITABLE (command), "echo,hello world");
  /* Typing in a row: its description under the form. */
  g_assert_false (jd_test_ui_tree_shows (GTK_WIDGET (dialog), run->parameters[0].description));
  /* Focus events need the dialog to be the active window, which another
   * test's window running beside this one may take for a moment. */
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (command)));
  {
    const char *words[] = { (const char *) dialog, run->parameters[0].description };

    g_assert_true (jd_test_ui_wait_for (dialog_shows, words, 5000));
  }
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (command), "error"));
  g_assert_true (jd_new_job_dialog_is_valid (dialog));
  g_assert_true (gtk_widget_get_sensitive (create_button (dialog)));
  preview = jd_template_chooser_dup_document (chooser);
  g_assert_nonnull (strstr (preview, "\"echo,hello world\""));
  g_assert_null (strstr (preview, JD_DOCUMENT_PARAMETER_PREFIX "command}"));
  scroll_to (GTK_WIDGET (chooser));
  maybe_save_png (GTK_WIDGET (dialog), "new-job-template-run-command.png");
  /* The description typed goes with it. */
  gtk_editable_set_text (GTK_EDITABLE (find_entry_row (GTK_WIDGET (dialog), "_Description (optional)")),
                         "Say hello");

  job = create_from_dialog (dialog, &error);
  g_assert_no_error (error);
  g_assert_nonnull (job);
  g_assert_cmpstr (jd_job_get_job_id (job), ==, "FromRunCommand");
  g_clear_object (&job);

  /* On the service: made from the managed template, the command substituted. */
  job = describe ("FromRunCommand", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jd_job_get_template_arn (job), ==, jd_template_chooser_get_arn (chooser));
  g_assert_cmpstr (jd_job_get_description (job), ==, "Say hello");
  g_assert_true (jd_job_template_parse_arn (jd_job_get_template_arn (job), &region, &account, &name, &version,
                                            &error));
  g_assert_no_error (error);
  g_assert_null (account);
  g_assert_cmpstr (name, ==, "AWS-Run-Command");
  arn = jd_managed_template_arn (run, region);
  g_assert_cmpstr (jd_job_get_template_arn (job), ==, arn);
  document = job_document ("FromRunCommand");
  action = json_object_get_object_member (
    json_array_get_object_element (json_object_get_array_member (document, "steps"), 0), "action");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (action, "input"), "command"), ==,
                   "echo,hello world");
  /* runAsUser was left empty: an omitted optional parameter is "". */
  g_assert_cmpstr (json_object_get_string_member (action, "runAsUser"), ==, "");

  /* The longest name and a four-row form still fit a phone's 360 px. */
  g_assert_true (jd_template_chooser_select (chooser, "AWS-Install-Application"));
  g_assert_nonnull (jd_template_chooser_get_parameter_row (chooser, "pathToHandler"));
  gtk_widget_measure (GTK_WIDGET (dialog), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  g_assert_cmpint (minimum, <=, 360);

  /* Back to None: the editor and the settings return. */
  g_assert_true (jd_template_chooser_select (chooser, NULL));
  g_assert_null (jd_template_chooser_get_parameter_row (chooser, "command"));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (jd_new_job_dialog_get_settings (dialog))));

  /* Closed while a parameter row has the focus. */
  g_assert_true (jd_template_chooser_select (chooser, "AWS-Reboot"));
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (jd_template_chooser_get_parameter_row (chooser, "runAsUser"))));
  jd_test_ui_spin (50);
  finish_dialog (dialog);
}

static void
test_custom_template (void)
{
  JdNewJobDialog *dialog = template_dialog ("FromCustom");
  JdTemplateChooser *chooser = jd_new_job_dialog_get_template_chooser (dialog);
  g_autoptr(GError) error = NULL;
  g_autoptr(JdJob) job = NULL;
  g_autoptr(JsonObject) document = NULL;
  g_autofree char *preview = NULL;

  g_assert_true (jd_template_chooser_select (chooser, "fw-update"));
  g_assert_cmpint (jd_template_chooser_get_kind (chooser), ==, JD_TEMPLATE_KIND_CUSTOM);
  /* Its document is asked for; until it is in, no job. */
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  g_assert_true (jd_test_ui_wait_for (chooser_has_no_problem, chooser, 20000));
  g_assert_true (jd_new_job_dialog_is_valid (dialog));
  /* Shown read-only, without a parameter form. */
  preview = jd_template_chooser_dup_document (chooser);
  g_test_message ("preview: %s", preview);
  g_assert_nonnull (strstr (preview, "\"2.0\""));
  g_assert_null (jd_template_chooser_get_parameter_row (chooser, "command"));
  g_assert_true (g_str_has_suffix (jd_template_chooser_get_arn (chooser), ":jobtemplate/fw-update"));
  maybe_save_png (GTK_WIDGET (dialog), "new-job-template-custom.png");

  job = create_from_dialog (dialog, &error);
  g_assert_no_error (error);
  g_assert_nonnull (job);
  g_clear_object (&job);

  job = describe ("FromCustom", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jd_job_get_template_arn (job), ==, jd_template_chooser_get_arn (chooser));
  document = job_document ("FromCustom");
  g_assert_cmpstr (json_object_get_string_member (document, "operation"), ==, "update");
  g_assert_cmpstr (json_object_get_string_member (document, "version"), ==, "2.0");

  finish_dialog (dialog);
}

/* Templates that cannot be listed say why, with Retry; the dialog still
 * makes jobs from a written document. */
static void
test_templates_error (void)
{
  JdNewJobDialog *dialog = template_dialog ("WithoutTemplates");
  JdTemplateChooser *chooser = jd_new_job_dialog_get_template_chooser (dialog);
  g_autoptr(JdCredentials) good = g_object_ref (jd_control_plane_get_credentials (control_plane ()));
  g_autoptr(JdCredentials) bad = jd_credentials_new ("AKIAWRONGWRONGWRONG", "not-the-secret", NULL,
                                                     jd_credentials_get_region (good));
  g_autoptr(GError) error = NULL;
  g_autoptr(JdJob) job = NULL;
  GtkButton *retry;

  jd_control_plane_set_credentials (control_plane (), bad);
  jd_template_chooser_reload (chooser);
  g_assert_cmpint (jd_template_chooser_get_state (chooser), ==, JD_TEMPLATE_CHOOSER_LOADING);
  g_assert_true (jd_test_ui_tree_shows (GTK_WIDGET (dialog), "Loading templates…"));
  g_assert_true (jd_test_ui_wait_for (chooser_settled, chooser, 20000));
  jd_control_plane_set_credentials (control_plane (), good);
  g_assert_cmpint (jd_template_chooser_get_state (chooser), ==, JD_TEMPLATE_CHOOSER_FAILED);
  g_test_message ("load error: %s", jd_template_chooser_get_error (chooser));
  g_assert_true (g_str_has_prefix (jd_template_chooser_get_error (chooser), "Templates could not be loaded: "));
  g_assert_true (jd_test_ui_tree_shows (GTK_WIDGET (dialog), jd_template_chooser_get_error (chooser)));
  scroll_to (GTK_WIDGET (chooser));
  maybe_save_png (GTK_WIDGET (dialog), "new-job-templates-error.png");
  g_assert_cmpuint (jd_template_chooser_get_n_offered (chooser, JD_TEMPLATE_KIND_MANAGED), ==, 0);
  g_assert_cmpint (jd_template_chooser_get_kind (chooser), ==, JD_TEMPLATE_KIND_NONE);
  g_assert_true (jd_new_job_dialog_is_valid (dialog));
  job = create_from_dialog (dialog, &error);
  g_assert_no_error (error);
  g_assert_nonnull (job);

  retry = find_button (GTK_WIDGET (dialog), "_Retry");
  g_assert_nonnull (retry);
  g_signal_emit_by_name (retry, "clicked");
  g_assert_true (jd_test_ui_wait_for (chooser_settled, chooser, 20000));
  g_assert_cmpint (jd_template_chooser_get_state (chooser), ==, JD_TEMPLATE_CHOOSER_READY);
  g_assert_cmpuint (jd_template_chooser_get_n_offered (chooser, JD_TEMPLATE_KIND_MANAGED), >, 0);
  g_assert_false (jd_test_ui_tree_shows (GTK_WIDGET (dialog), "Loading templates…"));

  finish_dialog (dialog);
}

/* Light, dark, and 360 px wide, with the lists and an error showing. */
static void
test_screenshots (void)
{
  JdNewJobDialog *dialog = sandbox_dialog ("firmware-rollout");
  JdJobSettings *settings = jd_new_job_dialog_get_settings (dialog);
  AdwStyleManager *style = adw_style_manager_get_default ();
  JdTargetPicker *picker = jd_new_job_dialog_get_target_picker (dialog);
  int minimum = 0;

  jd_target_picker_choose (picker, JD_TARGET_KIND_GROUP, "Floor1");
  jd_target_picker_choose (picker, JD_TARGET_KIND_THING, "Pump2");
  jd_job_settings_set_exponential_rollout (settings, 5, 2.0, FALSE, 10, 100);
  jd_job_settings_add_abort (settings, JD_FAILURE_TYPE_FAILED, 150, 10);
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  gtk_window_set_default_size (GTK_WINDOW (dialog), 620, 1600);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (wait_for_size (GTK_WIDGET (dialog), 620));
  maybe_save_png (GTK_WIDGET (dialog), "new-job-fleet-light.png");
  scroll_to (GTK_WIDGET (settings));
  maybe_save_png (GTK_WIDGET (dialog), "new-job-settings-light.png");

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  maybe_save_png (GTK_WIDGET (dialog), "new-job-settings-dark.png");
  scroll_to (GTK_WIDGET (picker));
  maybe_save_png (GTK_WIDGET (dialog), "new-job-fleet-dark.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

  /* Nothing in it needs more than a phone's 360 px. */
  gtk_widget_measure (GTK_WIDGET (dialog), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  g_assert_cmpint (minimum, <=, 360);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 360, 1600);
  g_assert_true (wait_for_size (GTK_WIDGET (dialog), 360));
  scroll_to (GTK_WIDGET (picker));
  maybe_save_png (GTK_WIDGET (dialog), "new-job-fleet-360.png");
  scroll_to (GTK_WIDGET (settings));
  maybe_save_png (GTK_WIDGET (dialog), "new-job-settings-360.png");

  finish_dialog (dialog);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = jd_test_ui_make_data_home ();
  int ret;

  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display: run the UI tests under Xvfb (build-aux/jobdeck.sh test)\n");
      return 0;
    }
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/app/new-job-dialog/job-id", test_job_id_validation);
  g_test_add_func ("/app/new-job-dialog/document", test_document_validation);
  g_test_add_func ("/app/new-job-dialog/targets", test_targets_and_options);
  g_test_add_func ("/app/new-job-dialog/create", test_create_and_busy);
  g_test_add_func ("/app/new-job-dialog/templates", test_templates_and_format);
  g_test_add_func ("/app/new-job-dialog/lint", test_lint_signed_files);
  g_test_add_func ("/app/new-job-dialog/insert", test_insert_signed_file);
  g_test_add_func ("/app/new-job-dialog/attach-errors", test_attach_errors_at_fields);
  g_test_add_func ("/app/new-job-dialog/attach-reference", test_attach_reference);
  g_test_add_func ("/app/new-job-dialog/attach-keyring", test_attach_passphrase_keyring);
  g_test_add_func ("/app/new-job-dialog/pickers", test_pickers_on_sandbox);
  g_test_add_func ("/app/new-job-dialog/settings-refused", test_settings_refused);
  g_test_add_func ("/app/new-job-dialog/settings-sent", test_settings_sent);
  g_test_add_func ("/app/new-job-dialog/pickers-error", test_pickers_error_and_retry);
  g_test_add_func ("/app/new-job-dialog/template-managed", test_managed_template);
  g_test_add_func ("/app/new-job-dialog/template-custom", test_custom_template);
  g_test_add_func ("/app/new-job-dialog/templates-error", test_templates_error);
  g_test_add_func ("/app/new-job-dialog/screenshots", test_screenshots);

  ret = g_test_run ();
  stop_sandbox ();
  jd_test_ui_remove_tree (data_home);
  return ret;
}
