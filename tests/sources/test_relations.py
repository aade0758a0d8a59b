"""Relations from free text as pages and lists word them: inclusion, a prerequisite that is not one,
package contents with repeated nouns, and supersedence in both directions."""

from __future__ import annotations

import pytest

from scanner.models import Kind
from scanner.sources.text import (
    included_in_from_text,
    includes_from_text,
    kind_from_title,
    replaced_by_from_text,
    replaces_from_text,
)


@pytest.mark.parametrize(("text", "packages"), [
    ("To resolve this issue, install update rollup 2903938.", ("KB2903938",)),  # KB2898774's article
    ("It’s an update rollup. To resolve this issue, install update rollup 2903938.  It’s an update rollup, so "
     "update rollup rules apply", ("KB2903938",)),  # the seed blog
    ("There is no hotfix package for this one: install update rollup 2903938 (December 2013) to get the fix.",
     ("KB2903938",)),
    ("This fix is included in the December 2014 update rollup (KB3013769).", ("KB3013769",)),
    ("Included in KB2919394", ("KB2919394",)),
    ("This hotfix is also included in update rollup 2919394.", ("KB2919394",)),
    # prerequisites: that KB must be installed too; it does not carry this one
    ("To apply this hotfix, you must first install update 2919355 in Windows Server 2012 R2.", ()),
    ("Prerequisites To apply this hotfix, you must first install the April 2014 update rollup (2919355).", ()),
    ("You must have update 2919355 installed before you install this hotfix.", ()),
    ("Before you install this hotfix, install update rollup 2919355.", ()),
    ("2919355 (install KB2919442 first)", ()),
    ("Install KB2919355 before you install this update.", ()),
    # a prerequisite sentence does not hide the resolution in the next one
    ("Prerequisites: you must first install update 2919355. Resolution: To resolve this issue, install update "
     "rollup 2903938.", ("KB2903938",)),
    ("Prerequisite: install update 2919355", ()),
    # a cause, not the remedy
    ("This issue occurs after you install update rollup 2903938.", ()),
    ("Resolution: install update rollup 2903938", ("KB2903938",)),
    # negations
    ("The fix is not included in update rollup 2903938.", ()),
    ("This issue isn't included in KB2903938.", ()),
    ("After you install this hotfix, restart the computer.", ()),
])
def test_included_in_is_the_package_that_carries_the_fix_never_a_prerequisite(text: str, packages: tuple[str, ...]):
    assert included_in_from_text(text) == packages


@pytest.mark.parametrize(("text", "members"), [
    ("Includes KB2898774", ("KB2898774",)),
    ("Include KB285392, KB2854362", ("KB285392", "KB2854362")),  # a real list's six-digit typo is kept as said
    ("This update replace update KB2870270, include also updates KB2869923, KB2908415", ("KB2869923", "KB2908415")),
    ("Includes hotfix 2996928, hotfix 2995478 and hotfix 3002130", ("KB2996928", "KB2995478", "KB3002130")),
    ("Also, this update includes update 2869923 and update 2908415.", ("KB2869923", "KB2908415")),
    ("This rollup includes the following updates: KB2869923, KB2908415 as well as KB2894485.",
     ("KB2869923", "KB2908415", "KB2894485")),
    ("Included in KB2919394", ()),  # the other direction
])
def test_includes_reads_every_member_of_a_list(text: str, members: tuple[str, ...]):
    assert includes_from_text(text) == members


@pytest.mark.parametrize(("text", "replaces", "replaced_by"), [
    ("This update replace update KB2870270, include also updates KB2869923, KB2908415", ("KB2870270",), ()),
    ("Replaces KB2903939 and KB2887595", ("KB2903939", "KB2887595"), ()),
    ("This hotfix replaces hotfix 2869923.", ("KB2869923",), ()),
    ("This hotfix replaces the following hotfixes: 3036614, 3004539", ("KB3036614", "KB3004539"), ()),
    ("Superseded by KB2919394", (), ("KB2919394",)),
    ("This update is replaced by update rollup 2919355.", (), ("KB2919355",)),
])
def test_supersedence_in_both_directions(text: str, replaces: tuple[str, ...], replaced_by: tuple[str, ...]):
    assert (replaces_from_text(text), replaced_by_from_text(text)) == (replaces, replaced_by)


@pytest.mark.parametrize(("title", "kind"), [
    ("Windows RT, Windows 8, and Windows Server 2012 update rollup: December 2013", Kind.UPDATE_ROLLUP),
    ("Cumulative update for Windows Server 2012: December 2012", Kind.CUMULATIVE_UPDATE),
    ("The Cluster service stops after you install update rollup 2903938", Kind.HOTFIX),
    ("Virtual machines crash after installing cumulative update 2779768", Kind.HOTFIX),
    ("Update is available that improves the resiliency of the cloud service provider", Kind.UPDATE),
])
def test_the_kind_is_what_the_title_is_not_what_it_mentions_installing(title: str, kind: Kind):
    """A rollup's kind decides its deferral window: a hotfix for a rollup's side effect is no rollup."""
    assert kind_from_title(title) == kind
