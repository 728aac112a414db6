#!/usr/bin/env python3
# check-manifest.py — checks the Flatpak manifest as flatpak-builder reads it
# (--show-manifest, offline) against the build: the app id, the command, the
# mosquitto module that must keep its broker, and the app module. TAP output.
#
# Usage: check-manifest.py FLATPAK_BUILDER MANIFEST APP_ID EXECUTABLE DESKTOP_FILE
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import re
import subprocess
import sys
import tempfile

REQUIRED_FINISH_ARGS = [
    '--share=network',
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',
    '--talk-name=org.freedesktop.secrets',
]


def cmake_option(config_opts, name):
    """The value the last -DNAME=... (or -DNAME:TYPE=...) sets, or None."""
    value = None
    pattern = re.compile(r'^-D' + re.escape(name) + r'(?::[A-Z]+)?=(.*)$')
    for opt in config_opts:
        match = pattern.match(opt)
        if match:
            value = match.group(1)
    return value


def is_on(value):
    return value is not None and value.upper() in ('ON', 'TRUE', 'YES', '1', 'Y')


def is_off(value):
    return value is not None and not is_on(value)


def desktop_exec(path):
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.startswith('Exec='):
                return line[len('Exec='):].split()[0]
    return None


def check_mosquitto(module):
    problems = []
    if module is None:
        return ['there is no module named mosquitto']
    if module.get('buildsystem') != 'cmake-ninja':
        problems.append('mosquitto builds with {}, not cmake-ninja'.format(module.get('buildsystem')))
    opts = module.get('config-opts', [])
    # The sandbox runs this broker: it must be built, with TLS, and the library too.
    for name in ('WITH_BROKER', 'WITH_TLS'):
        if not is_on(cmake_option(opts, name)):
            problems.append('-D{}=ON is missing'.format(name))
    for name in ('WITH_CLIENTS', 'WITH_APPS', 'WITH_PLUGINS', 'WITH_LIB_CPP', 'WITH_CJSON',
                 'DOCUMENTATION'):
        if not is_off(cmake_option(opts, name)):
            problems.append('-D{}=OFF is missing'.format(name))
    if cmake_option(opts, 'CMAKE_INSTALL_SBINDIR') != 'bin':
        problems.append('the broker must install to /app/bin (-DCMAKE_INSTALL_SBINDIR=bin), '
                        'where PATH finds it')
    for cleanup in module.get('cleanup', []):
        if cleanup.rstrip('/') in ('/bin', '/bin/mosquitto', '/lib', '/lib/libmosquitto.so.1'):
            problems.append('cleanup removes {}, which the app needs at run time'.format(cleanup))
    sources = module.get('sources', [])
    archives = [s for s in sources if s.get('type') == 'archive']
    if len(archives) != 1:
        problems.append('mosquitto needs exactly one archive source, has {}'.format(len(archives)))
    else:
        if not archives[0].get('url', '').startswith('https://'):
            problems.append('the mosquitto source is not fetched over https')
        if not re.fullmatch(r'[0-9a-f]{64}', archives[0].get('sha256', '')):
            problems.append('the mosquitto source has no sha256')
    return problems


def check_app(module, app_id):
    if module is None:
        return ['there are no modules']
    problems = []
    if module.get('buildsystem') != 'meson':
        problems.append('the last module, {}, does not build with meson'.format(module.get('name')))
    if module.get('run-tests') is not True:
        problems.append('the app module does not run its tests (run-tests)')
    # The manifest's id only matches what meson installs in the default profile.
    if '-Dprofile=default' not in module.get('config-opts', []):
        problems.append('the app module does not configure -Dprofile=default, so it would '
                        'not install files named {}'.format(app_id))
    if not any(s.get('type') == 'dir' for s in module.get('sources', [])):
        problems.append('the app module does not build the source folder (type dir)')
    return problems


def main(argv):
    if len(argv) != 6:
        print('usage: check-manifest.py FLATPAK_BUILDER MANIFEST APP_ID EXECUTABLE DESKTOP_FILE',
              file=sys.stderr)
        return 2
    flatpak_builder, manifest_path, app_id, executable, desktop_file = argv[1:]

    print('TAP version 13')
    print('1..7')

    # flatpak-builder keeps a state folder in its working folder: use a scratch one.
    with tempfile.TemporaryDirectory() as scratch:
        result = subprocess.run([flatpak_builder, '--show-manifest', manifest_path],
                                cwd=scratch, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                universal_newlines=True)
    problems = []
    manifest = {}
    if result.returncode != 0:
        problems.append('flatpak-builder exited with {}'.format(result.returncode))
    # It only warns about unknown keys (a typo), so a warning fails too.
    problems += [line for line in result.stderr.splitlines() if line.strip()]
    try:
        manifest = json.loads(result.stdout) if result.returncode == 0 else {}
    except ValueError as e:
        problems.append('its output is not JSON: {}'.format(e))
    failed = False

    def report(number, description, problems):
        nonlocal failed
        print('{}ok {} - {}'.format('not ' if problems else '', number, description))
        for problem in problems:
            print('# ' + problem)
        failed = failed or bool(problems)

    report(1, 'flatpak-builder reads the manifest without complaint', problems)
    if not manifest:
        print('Bail out! no manifest to check')
        return 1

    report(2, 'the id is {}'.format(app_id),
           [] if manifest.get('id') == app_id else ['id is {!r}'.format(manifest.get('id'))])

    exec_name = desktop_exec(desktop_file)
    problems = []
    if manifest.get('command') != executable:
        problems.append('command is {!r}, the executable is {!r}'.format(manifest.get('command'),
                                                                         executable))
    if exec_name != executable:
        problems.append('the desktop file runs {!r}, the executable is {!r}'.format(exec_name,
                                                                                   executable))
    report(3, 'the command is the executable, {}'.format(executable), problems)

    problems = []
    expected = {'runtime': 'org.gnome.Platform', 'sdk': 'org.gnome.Sdk', 'runtime-version': '49'}
    for key, value in expected.items():
        if manifest.get(key) != value:
            problems.append('{} is {!r}, expected {!r}'.format(key, manifest.get(key), value))
    report(4, 'the runtime is GNOME 49', problems)

    finish_args = manifest.get('finish-args', [])
    report(5, 'the finish-args grant what the app needs',
           ['{} is missing'.format(arg) for arg in REQUIRED_FINISH_ARGS if arg not in finish_args])

    modules = manifest.get('modules', [])
    mosquitto = next((m for m in modules if isinstance(m, dict) and m.get('name') == 'mosquitto'),
                     None)
    report(6, 'the mosquitto module keeps the broker and TLS on', check_mosquitto(mosquitto))

    app = modules[-1] if modules and isinstance(modules[-1], dict) else None
    report(7, 'the app module is last, built with meson and tested', check_app(app, app_id))

    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
