/* jd-profiles-page.h — the Profiles page of the preferences window: the
 * connection profiles, which one is active, and adding, editing and removing
 * AWS profiles.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jd-profile-editor.h"

G_BEGIN_DECLS

#define JD_TYPE_PROFILES_PAGE (jd_profiles_page_get_type ())

G_DECLARE_FINAL_TYPE (JdProfilesPage, jd_profiles_page, JD, PROFILES_PAGE, AdwPreferencesPage)

/* @settings: the application's io.github.jobdeck.Jobdeck settings. */
GtkWidget       *jd_profiles_page_new                  (GSettings      *settings);

/* Opens the editor, transient for the page's window: @profile_id edits that
 * AWS profile, NULL adds one. Returns it (transfer none) for callers that
 * want to follow it. */
JdProfileEditor *jd_profiles_page_open_editor          (JdProfilesPage *self,
                                                        const char     *profile_id);

/* Asks with an AdwMessageDialog, then removes on "Remove". Returns the dialog
 * (transfer none). */
GtkWidget       *jd_profiles_page_confirm_remove       (JdProfilesPage *self,
                                                        const char     *profile_id);

/* Removes the profile's settings at once and its keyring secrets (async);
 * emits "profiles-changed". */
void             jd_profiles_page_remove_profile_async  (JdProfilesPage      *self,
                                                         const char          *profile_id,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean         jd_profiles_page_remove_profile_finish (JdProfilesPage      *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

G_END_DECLS
