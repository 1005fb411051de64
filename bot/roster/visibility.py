"""Who may see what: a staff member's scope and whose full phone numbers they see — the one place for both.

A village liaison phones the people of their own village, so they see those numbers in full; everyone else
sees them masked, except the bureau when it asks for full numbers (an export it files). Chat replies, the
bureau's pages, exports and the CLI all ask this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.content import ContentPack
from bot.privacy import mask_phone
from storage.directory import Role, Staff
from storage.people import Person, Scope


@dataclass(frozen=True, slots=True)
class Viewer:
    role: Role
    scope: Scope
    full_phones: bool = False  # the bureau asked for full numbers (`report … --full`)

    @classmethod
    def of(cls, staff: Staff, full_phones: bool = False, scope: Scope | None = None) -> Viewer:
        """The staff member as a viewer: their scope (or a part of it, e.g. a page's township filter). Without
        one, a county's bureau sees nobody's data (its county's townships come from `scope_of`)."""
        return cls(staff.role, scope or scope_of(staff, None), full_phones and staff.role == "bureau")

    @classmethod
    def bureau(cls, scope: Scope | None = None, full_phones: bool = False) -> Viewer:
        return cls("bureau", scope or Scope(), full_phones)

    def sees_full_phone(self, person: Person) -> bool:
        if self.role == "liaison":
            return (
                self.scope.village is not None
                and person.township_id == self.scope.township_id
                and person.village == self.scope.village
            )
        return self.role == "bureau" and self.full_phones

    def phone(self, person: Person) -> str:
        """The person's phone as this viewer may see it ('' when there is none)."""
        if not person.phone:
            return ""
        return person.phone if self.sees_full_phone(person) else mask_phone(person.phone)


def scope_of(staff: Staff, areas: ContentPack | None) -> Scope:
    """Everything (a bureau of no county: the prefecture, or the bureau of a one-county deployment), one
    county (a county's bureau: its townships from `areas`; none without them), one township (station) or one
    village (liaison); '-' matches nothing."""
    if staff.role == "bureau" and staff.county_id is not None:
        county = areas.counties.get(staff.county_id) if areas else None
        return Scope(county_id=staff.county_id, county_townships=county.townships if county else ())
    if staff.role == "bureau":
        return Scope()
    if staff.role == "station":
        return Scope(staff.township_id or "-")
    return Scope(staff.township_id or "-", staff.village or "-")
