"""Who may post where and decide what: the townships a staff member's area covers (their county's in a
deployment of several counties), township names in a staff member's words, whether a posting needs review, and
who may review or manage it. Pure decisions over the content's townships and the staff record (no database);
PostingService (bot/postings/service.py) inherits them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.content import Township
from storage.directory import Staff
from storage.postings import Posting

ALL_WORDS = ("全部", "全县", "所有", "全部乡镇", "所有乡镇")


class OutsideAreaError(Exception):
    """A posting names townships outside its author's county (a deployment of several counties)."""

    def __init__(self, names: list[str]) -> None:
        super().__init__("、".join(names))
        self.names = names


class PostingRules:
    """The area and role rules; `review_mode` is "station", "bureau" or "none" (postings.review)."""

    townships: Mapping[str, Township]
    review_mode: str
    counties: Mapping[str, Sequence[str]]  # county id -> its township ids (content/counties.toml)
    bureaus: Mapping[str, str]  # county id -> its bureau's name ("五寨县人社局")

    # --- townships ----------------------------------------------------------------------------
    def names(self) -> dict[str, tuple[str, ...]]:
        return {t.id: (t.name, *t.aliases) for t in self.townships.values()}

    def label(self, township_ids: Sequence[str]) -> str:
        if township_ids and set(township_ids) >= set(self.townships):
            return "全县所有乡镇和搬迁小区"
        return "、".join(self.townships[t].name for t in township_ids if t in self.townships)

    def area(self, staff: Staff | None) -> list[str]:
        """The townships a staff member posts to and reviews: in a deployment of several counties, their county's
        (a county's bureau, or a station or liaison by their township); every township otherwise."""
        if len(self.counties) > 1 and staff is not None:
            for county, towns in self.counties.items():
                if staff.county_id == county or (staff.county_id is None and staff.township_id in towns):
                    return list(towns)
        return list(self.townships)

    def bureau(self, posting: Posting) -> str:
        """The bureau whose bot sends the posting: its townships' county's; "县人社局" when unknown."""
        for county, towns in self.counties.items():
            if set(posting.townships) & set(towns) and county in self.bureaus:
                return self.bureaus[county]
        return next(iter(self.bureaus.values())) if len(self.bureaus) == 1 else "县人社局"

    def outside(self, staff: Staff, township_ids: Sequence[str]) -> list[str]:
        """The townships (names) of `township_ids` outside the staff member's area."""
        area = set(self.area(staff))
        return [self.townships[t].name if t in self.townships else t for t in township_ids if t not in area]

    def resolve(self, text: str, area: Sequence[str] | None = None) -> tuple[list[str], list[str]]:
        """Township ids named in `text` (names, aliases or ids, separated by 、，, or spaces) and unknown words;
        "全部" means every township of `area` (default: all)."""
        words = [w for w in text.replace("，", " ").replace(",", " ").replace("、", " ").split() if w]
        if any(w in ALL_WORDS for w in words):
            return list(self.townships) if area is None else list(area), []
        found: list[str] = []
        unknown: list[str] = []
        for word in words:
            match = next((t.id for t in self.townships.values() if word in (t.id, t.name, *t.aliases)), None)
            if match is None:
                unknown.append(word)
            elif match not in found:
                found.append(match)
        return found, unknown

    # --- roles --------------------------------------------------------------------------------
    def needs_review(self, staff: Staff) -> bool:
        if staff.role == "bureau" or self.review_mode == "none":
            return False
        return staff.role == "liaison" or self.review_mode == "bureau"

    def can_review(self, staff: Staff, posting: Posting) -> bool:
        if staff.role == "bureau":
            return self._county_covers(staff, posting)
        return (
            staff.role == "station"
            and self.review_mode == "station"
            and posting.author_role == "liaison"
            and staff.township_id is not None
            and staff.township_id == posting.author_township
        )

    def can_manage(self, staff: Staff | None, posting: Posting, channel: str, user_id: str) -> bool:
        """The author, the bureau, or the station of the author's township may withdraw / follow a posting."""
        if (posting.author_channel, posting.author_user_id) == (channel, user_id):
            return True
        if staff is None:
            return False
        if staff.role == "bureau":
            return self._county_covers(staff, posting)
        return staff.role == "station" and staff.township_id == posting.author_township

    def _county_covers(self, staff: Staff, posting: Posting) -> bool:
        """A bureau of no county (a prefecture, or a one-county deployment) covers every posting; a county's
        bureau those going to its county."""
        return staff.county_id is None or bool(set(posting.townships) & set(self.area(staff)))
