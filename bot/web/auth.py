"""Who is asking: the login link, the session cookie, CSRF, and the staff check on every request.

* `GET /masuk?t=TOKEN` shows a button; `POST /masuk` spends the link (once, within
  CONSOLE_LINK_MINUTES) and starts a session. Spending it on the POST keeps link-preview
  robots, which only GET, from using the link up.
* The session cookie (`konsol`) holds a random token (the database keeps its hash): HttpOnly,
  SameSite=Strict, Secure when the console is served over HTTPS; it ends after
  CONSOLE_IDLE_HOURS without a request, or at logout.
* Every request looks the staff member up again (`bot.office.desk.staff_member`): someone
  removed from the staff list is refused at their next click.
* Every form posts `csrf`, a hash of the session token the page was rendered with.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.core.tokens import new_token, token_hash
from bot.i18n import MESSAGES, t
from bot.office.desk import Office, Staff, staff_member
from bot.web.render import html_page
from storage import console

if TYPE_CHECKING:
    from bot.web.app import Console

logger = logging.getLogger(__name__)

COOKIE = "konsol"
CHANNEL = "console"


@dataclass
class Visit:
    """One request from a logged-in staff member."""

    request: Request
    console: Console
    staff: Staff
    lang: str
    csrf: str
    form: FormData | None = None

    @property
    def office(self) -> Office:
        """The office services' dependencies."""
        return self.console.office

    @property
    def base(self) -> str:
        """Where the console is mounted ('/konsol')."""
        return str(self.request.scope.get("root_path", ""))

    def t(self, key: str, **values: Any) -> str:
        """A text in the staff member's language."""
        return t(self.lang, key, **values)

    def page(self, name: str, status: int = 200, **context: Any) -> Response:
        """A page with the layout's needs (staff, csrf, base, active tab) and the note of the
        form just sent (?catatan=…, only known notes; ?oleh= who holds it, ?jumlah= how many)."""
        params = self.request.query_params
        note = params.get("catatan", "")
        context.setdefault("note", note if f"k_note_{note}" in MESSAGES else "")
        context.setdefault("holder", params.get("oleh", ""))
        context.setdefault("count", params.get("jumlah", ""))
        return html_page(
            name, self.lang, status, staff=self.staff, csrf=self.csrf, base=self.base,
            tz=self.office.clock.tz, **context,
        )  # fmt: skip

    def back(self, path: str, note: str = "", **params: str) -> Response:
        """Redirect (303) after a form, with a short note shown on the next page."""
        query = urlencode({"catatan": note, **params} if note else params)
        target = f"{self.base}{path}" + (("&" if "?" in path else "?") + query if query else "")
        return RedirectResponse(target, status_code=303)

    def field(self, name: str) -> str:
        """A text field of the posted form ('' when missing)."""
        value = self.form.get(name) if self.form is not None else None
        return value.strip() if isinstance(value, str) else ""


Page = Callable[[Visit], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def csrf_for(session_token: str) -> str:
    """The form token of a session."""
    return hashlib.sha256(f"csrf:{session_token}".encode()).hexdigest()[:40]


def plain_page(request: Request, name: str, status: int, key: str = "", **values: Any) -> Response:
    """A page outside a session (login, refusals), in Indonesian first."""
    lang = request.query_params.get("bahasa", "id")
    lang = lang if lang in ("id", "en") else "id"
    base = str(request.scope.get("root_path", ""))
    return html_page(name, lang, status, base=base, message=key, values=values, staff=None)


def staff_page(handler: Page) -> Endpoint:
    """Only staff with a live session get to `handler`; POSTs must carry the session's CSRF."""

    async def endpoint(request: Request) -> Response:
        console_: Console = request.app.state.console
        token = request.cookies.get(COOKIE, "")
        office = console_.office
        idle = timedelta(hours=office.settings.console_idle_hours)
        session = await console.live_session(office.db, token_hash(token), office.clock.now(), idle)
        if not token or session is None:
            return plain_page(request, "refused.html", 401, "k_login_needed")
        who = await staff_member(office, CHANNEL, session.user_id)
        if who is None:
            logger.warning("Console request from %s, who is no longer staff", session.user_id)
            return plain_page(request, "refused.html", 403, "k_not_staff")
        visit = Visit(request, console_, who, session.language, csrf_for(token))
        if request.method == "POST":
            visit.form = await request.form(max_files=1, max_fields=50)
            given = visit.form.get("csrf")
            if not isinstance(given, str) or not hmac.compare_digest(given, visit.csrf):
                return plain_page(request, "refused.html", 403, "k_csrf")
        return await handler(visit)

    return endpoint


async def login_form(request: Request) -> Response:
    """GET /masuk?t=…: a button that spends the link (robots that preview links only GET);
    a used, expired or unknown link is refused at once."""
    token = request.query_params.get("t", "")
    if not token:
        return plain_page(request, "refused.html", 400, "k_link_bad")
    office = request.app.state.console.office
    if not await console.link_open(office.db, token_hash(token), office.clock.now()):
        return plain_page(request, "refused.html", 403, "k_link_bad")
    return plain_page(request, "login.html", 200, token=token)


async def login(request: Request) -> Response:
    """POST /masuk: spend the link, check the staff list, start a session."""
    console_: Console = request.app.state.console
    office = console_.office
    form = await request.form(max_files=0, max_fields=5)
    token = form.get("t")
    now = office.clock.now()
    used = await console.use_link(office.db, token_hash(str(token or "")), now)
    if used is None:
        logger.info("Console login with a used, expired or unknown link")
        return plain_page(request, "refused.html", 403, "k_link_bad")
    user_id, lang = used
    who = await staff_member(office, CHANNEL, user_id)
    if who is None:
        return plain_page(request, "refused.html", 403, "k_not_staff")
    session = new_token()
    await console.start_session(office.db, token_hash(session), user_id, lang, who.actor, now)
    base = str(request.scope.get("root_path", ""))
    response = RedirectResponse(f"{base}/", status_code=303)
    response.set_cookie(
        COOKIE, session, path=base or "/", httponly=True, samesite="strict",
        secure=console_.secure(request),  # no max-age: gone with the browser; idle ends it here
    )  # fmt: skip
    logger.info("Console session started for %s", who.actor)
    return response


@staff_page
async def logout(visit: Visit) -> Response:
    """POST /keluar: end the session and forget the cookie."""
    token = visit.request.cookies.get(COOKIE, "")
    office = visit.office
    await console.end_session(office.db, token_hash(token), visit.staff.actor, office.clock.now())
    response = plain_page(visit.request, "refused.html", 200, "k_logged_out")
    response.delete_cookie(COOKIE, path=visit.base or "/")
    return response
