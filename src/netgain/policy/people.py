"""Resolving people: teams, roles, zone owners and CODEOWNERS entries to GitHub logins, and
logins to the git identities history knows them by."""

from __future__ import annotations

from collections.abc import Iterable

from netgain.policy.codeowners import Codeowners
from netgain.policy.schema import Policy


def norm(login: str) -> str:
    """A login as compared everywhere: without `@`, lower-case (GitHub logins ignore case)."""
    return login.strip().removeprefix("@").lower()


class Directory:
    """Who is who under one policy."""

    def __init__(self, policy: Policy, codeowners: Codeowners) -> None:
        self.policy = policy
        self.codeowners = codeowners
        self._email_to_login: dict[str, str] = {}
        for login, aliases in policy.people.aliases.items():
            for alias in aliases:
                if "@" in alias:
                    self._email_to_login[alias.lower()] = norm(login)

    def login_of_email(self, email: str) -> str | None:
        """The login `[people] aliases` gives a git email, if any."""
        return self._email_to_login.get(email.strip().lower())

    def team(self, name: str) -> set[str]:
        """Members of a `[people.teams]` team (`@org/team` falls back to the slug)."""
        members = self.policy.people.teams.get(name.removeprefix("@"))
        if members is None and "/" in name:  # @org/team from CODEOWNERS: try the slug alone
            members = self.policy.people.teams.get(name.removeprefix("@").split("/", 1)[1])
        return {norm(m) for m in members or ()}

    def role(self, name: str) -> set[str]:
        """Members of a role, with `@team` entries expanded."""
        out: set[str] = set()
        for member in self.policy.people.roles.get(name, ()):
            if member.startswith("@"):
                out |= self.team(member)
            else:
                out.add(norm(member))
        return out

    def owner_logins(self, owners: Iterable[str]) -> set[str]:
        """CODEOWNERS / zone owner entries (`@user`, `@org/team`, email) as logins."""
        out: set[str] = set()
        for owner in owners:
            if "@" in owner and not owner.startswith("@"):
                login = self._email_to_login.get(owner.lower())
                out.add(login or owner.lower())
            elif "/" in owner or owner.removeprefix("@") in self.policy.people.teams:
                out |= self.team(owner)
            else:
                out.add(norm(owner))
        return out

    def everyone(self) -> set[str]:
        """Every login the policy or CODEOWNERS names: the pool for open approval requests."""
        people: set[str] = set()
        for name in self.policy.people.teams:
            people |= self.team(name)
        for name in self.policy.people.roles:
            people |= self.role(name)
        people |= {norm(login) for login in self.policy.people.aliases}
        for entry in self.codeowners.entries:
            people |= {o for o in self.owner_logins(entry.owners) if "@" not in o}
        return people

    def roles_of(self, login: str) -> list[str]:
        """The roles `login` holds, for the reasons shown next to a suggestion."""
        return sorted(r for r in self.policy.people.roles if login in self.role(r))

    def emails_of(self, login: str, known_emails: Iterable[str]) -> set[str]:
        """Git emails of `login`: its aliases, plus GitHub no-reply addresses and `login@...`."""
        login = norm(login)
        out = {e.lower() for e in self.policy.people.aliases.get(login, ()) if "@" in e}
        for alias_login, aliases in self.policy.people.aliases.items():
            if norm(alias_login) == login:
                out |= {e.lower() for e in aliases if "@" in e}
        for email in known_emails:
            local = email.split("@", 1)[0].lower()
            if local == login or local.endswith("+" + login):
                out.add(email.lower())
        return out
