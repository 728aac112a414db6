#!/usr/bin/env python3
# check-potfiles.py — checks po/POTFILES.in against the source tree, as TAP.
#
# It fails when a file with translatable strings is missing from POTFILES.in
# (a .c/.h with _(), N_(), C_(), NC_(), Q_() or g_dngettext(); a .ui with
# translatable="yes"; a .desktop.in, .metainfo.xml.in or .gschema.xml with
# translatable content), when POTFILES.in lists a file that does not exist,
# and when its list is not sorted or has duplicates. Each problem is printed
# as a TAP diagnostic line.
#
# Usage: check-potfiles.py SOURCE_ROOT [POTFILES.in]
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import sys

# Folders of the tree that hold translatable files.
SCAN_DIRS = ('src', 'data')

C_SUFFIXES = ('.c', '.h')
UI_SUFFIXES = ('.ui',)
DATA_SUFFIXES = ('.desktop.in', '.metainfo.xml.in', '.appdata.xml.in',
                 '.gschema.xml')

C_MARKER = re.compile(r'(?<![A-Za-z0-9_])(?:NC|N|C|Q)?_\s*\(|'
                      r'(?<![A-Za-z0-9_])g_dngettext\s*\(')
C_MARKER_DEFINE = re.compile(r'^[ \t]*#[ \t]*define[ \t]+(?:NC|N|C|Q)?_[ \t]*\(.*$',
                             re.MULTILINE)
UI_MARKER = re.compile(r'translatable\s*=\s*["\'](?:yes|true|1)["\']', re.IGNORECASE)
DESKTOP_MARKER = re.compile(r'^[ \t]*(?:Name|GenericName|Comment|Keywords)[ \t]*=[ \t]*\S',
                            re.MULTILINE)
METAINFO_MARKER = re.compile(r'<(?:name|summary|description|caption|developer_name|keyword)'
                             r'(?:\s(?![^>]*translate\s*=\s*["\']no["\'])[^>]*)?>')
SCHEMA_MARKER = re.compile(r'<(?:summary|description)\b|\bl10n\s*=')
POTFILES_PREFIX = re.compile(r'^\[[^\]]*\]\s*')


def strip_c(text):
    """Drops comments and the contents of string and character literals, so
    a marker only counts where it is code."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        if text.startswith('/*', i):
            end = text.find('*/', i + 2)
            i = n if end < 0 else end + 2
            out.append(' ')
        elif text.startswith('//', i):
            end = text.find('\n', i)
            i = n if end < 0 else end
        elif text[i] in '"\'':
            quote = text[i]
            j = i + 1
            while j < n and text[j] != quote and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            out.append(quote + quote)
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return C_MARKER_DEFINE.sub('', ''.join(out))


def is_build_dir(names):
    return 'meson-private' in names or 'build.ninja' in names or 'meson-info' in names


def needs_translation(relpath, text):
    if relpath.endswith(C_SUFFIXES):
        return C_MARKER.search(strip_c(text)) is not None
    if relpath.endswith(UI_SUFFIXES):
        return UI_MARKER.search(text) is not None
    if relpath.endswith('.desktop.in'):
        return DESKTOP_MARKER.search(text) is not None
    if relpath.endswith(('.metainfo.xml.in', '.appdata.xml.in')):
        return METAINFO_MARKER.search(text) is not None
    if relpath.endswith('.gschema.xml'):
        return SCHEMA_MARKER.search(text) is not None
    return False


def scan_tree(root):
    """Returns (sources, data): the relative paths of files that need to be in
    POTFILES.in, code and UI files apart from data files."""
    sources = []
    data = []
    for top in SCAN_DIRS:
        top_path = os.path.join(root, top)
        for dirpath, dirnames, filenames in os.walk(top_path):
            if is_build_dir(dirnames + filenames):
                dirnames[:] = []
                continue
            dirnames[:] = sorted(d for d in dirnames
                                  if not d.startswith('.') and d != 'node_modules')
            for name in sorted(filenames):
                if not name.endswith(C_SUFFIXES + UI_SUFFIXES + DATA_SUFFIXES):
                    continue
                path = os.path.join(dirpath, name)
                relpath = os.path.relpath(path, root).replace(os.sep, '/')
                with open(path, encoding='utf-8', errors='replace') as f:
                    text = f.read()
                if not needs_translation(relpath, text):
                    continue
                if name.endswith(DATA_SUFFIXES):
                    data.append(relpath)
                else:
                    sources.append(relpath)
    return sources, data


def read_potfiles(path):
    entries = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            entries.append(POTFILES_PREFIX.sub('', line))
    return entries


def main(argv):
    if len(argv) not in(2, 3):
        print('usage: check-potfiles.py SOURCE_ROOT [POTFILES.in]', file=sys.stderr)
        return 2
    root = argv[1]
    potfiles = argv[2] if len(argv) == 3 else os.path.join(root, 'po', 'POTFILES.in')

    print('TAP version 13')
    print('1..4')

    try:
        entries = read_potfiles(potfiles)
    except OSError as e:
        print('Bail out! cannot read {}: {}'.format(potfiles, e.strerror))
        return 1

    listed = set(entries)
    sources, data = scan_tree(root)
    failed = False

    def report(number, description, problems):
        nonlocal failed
        print('{}ok {} - {}'.format('not ' if problems else '', number, description))
        for problem in problems:
            print('# ' + problem)
        failed = failed or bool(problems)

    report(1, 'every source file with translatable strings is in POTFILES.in',
            ['{}: has translatable strings but is not in POTFILES.in'.format(p)
             for p in sources if p not in listed])
    report(2, 'every data file with translatable content is in POTFILES.in',
            ['{}: has translatable content but is not in POTFILES.in'.format(p)
             for p in data if p not in listed])
    report(3, 'every file POTFILES.in lists exists',
            ['{}: listed in POTFILES.in but does not exist'.format(p)
             for p in entries if not os.path.isfile(os.path.join(root, p))])

    order = []
    seen = set()
    for i, entry in enumerate(entries):
        if entry in seen:
            order.append('{}: listed more than once'.format(entry))
        seen.add(entry)
        if i > 0 and entry < entries[i - 1]:
            order.append('{}: not sorted, it comes before {}'.format(entry, entries[i - 1]))
    report(4, 'POTFILES.in is sorted, without duplicates', order)

    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
