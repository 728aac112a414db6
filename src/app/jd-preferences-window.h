/* jd-preferences-window.h — the preferences window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define JD_TYPE_PREFERENCES_WINDOW (jd_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (JdPreferencesWindow, jd_preferences_window, JD, PREFERENCES_WINDOW, AdwPreferencesWindow)

JdPreferencesWindow *jd_preferences_window_new (GSettings *settings);

G_END_DECLS
