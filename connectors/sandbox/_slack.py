"""Slack Web API: conversations.*, users.*, auth.test and friends, rendered from the world.

Slack answers application errors with HTTP 200 and ``{"ok": false, "error": ...}``; only rate
limiting is a real 429 (with ``Retry-After``). Cursors are opaque base64 like Slack's own.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
from typing import Any

from connectors.sandbox._markup import to_slack
from connectors.sandbox._server import ApiError, Request, Response
from connectors.sandbox._world import (
    US,
    Channel,
    Message,
    Person,
    World,
    parse_slack_ts,
    slack_ts,
)

_COLORS = ("9f69e7", "4bbe2e", "e7392d", "3c989f", "674b1b", "e96699", "e0a729", "684b6c")


def _ok(payload: dict[str, Any]) -> Response:
    return Response(200, {"ok": True, **payload})


def _error(error: str, status: int = 200, **extra: Any) -> ApiError:
    return ApiError(Response(status, {"ok": False, "error": error, **extra}))


def _encode(value: str) -> str:
    return base64.b64encode(value.encode()).decode()


def _decode(cursor: str, prefix: str) -> str:
    try:
        value = base64.b64decode(cursor.encode(), validate=True).decode()
    except ValueError:
        raise _error("invalid_cursor") from None
    if not value.startswith(prefix):
        raise _error("invalid_cursor")
    return value[len(prefix) :]


class SlackApi:
    """The Slack Web API under ``/api/<method>``."""

    name = "slack"

    def __init__(self, world: World, token: str, page_cap: int | None = None) -> None:
        self.world = world
        self.token = token
        self.page_cap = page_cap

    # protocol

    def endpoint(self, request: Request) -> str:
        if not request.path.startswith("/api/"):
            raise _error("unknown_method", 404)
        return "slack." + request.path[5:].strip("/")

    def _args(self, request: Request) -> dict[str, str]:
        args = {k: v[0] for k, v in request.query.items() if v}
        if request.method == "POST" and request.body:
            content_type = request.header("content-type") or ""
            if "json" in content_type:
                try:
                    body = request.json()
                except ValueError:
                    raise _error("invalid_json") from None
                if isinstance(body, dict):
                    args.update(
                        {
                            k: str(v).lower() if isinstance(v, bool) else str(v)
                            for k, v in body.items()
                        }
                    )
            else:
                args.update(request.form())
        return args

    def authenticate(self, request: Request) -> Response | None:
        auth = request.header("authorization") or ""
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else None
        if token is None:
            token = self._args(request).get("token")
        if not token:
            return Response(200, {"ok": False, "error": "not_authed"})
        if token != self.token:
            return Response(200, {"ok": False, "error": "invalid_auth"})
        return None

    def throttled(self, request: Request, retry_after: float) -> Response:
        return Response(
            429, {"ok": False, "error": "ratelimited"}, {"Retry-After": f"{retry_after:g}"}
        )

    def failed(self, request: Request, exc: Exception) -> Response:
        return Response(200, {"ok": False, "error": "internal_error"})

    def handle(self, request: Request) -> Response:
        method = request.path[5:].strip("/")
        handler = {
            "auth.test": self.auth_test,
            "team.info": self.team_info,
            "conversations.list": self.conversations_list,
            "conversations.info": self.conversations_info,
            "conversations.history": self.conversations_history,
            "conversations.replies": self.conversations_replies,
            "users.list": self.users_list,
            "users.info": self.users_info,
            "bots.info": self.bots_info,
            "chat.getPermalink": self.permalink,
        }.get(method)
        if handler is None:
            raise _error("unknown_method", 404, req_method=method)
        args = self._args(request)
        with self.world.lock:
            return handler(args)

    # rendering

    def _person(self, key: str) -> tuple[str, str]:
        person = self.world.people.get(key)
        if person is None:
            return "", key
        return person.slack_id or "", person.slack_display or person.name

    def _channel_id(self, name: str) -> str:
        channel = self.world.channel_named(name)
        return channel.id if channel else ""

    def text(self, src: str) -> str:
        return to_slack(src, self._person, self._channel_id)

    def user_json(self, person: Person) -> dict[str, Any]:
        world = self.world
        digest = hashlib.md5(person.key.encode(), usedforsecurity=False).hexdigest()
        profile: dict[str, Any] = {
            "title": person.title,
            "phone": "",
            "skype": "",
            "real_name": person.name,
            "real_name_normalized": person.name,
            "display_name": person.slack_display or "",
            "display_name_normalized": person.slack_display or "",
            "fields": None,
            "status_text": "",
            "status_emoji": "",
            "status_expiration": 0,
            "avatar_hash": digest[:12],
            "first_name": person.first,
            "last_name": person.last,
            "image_24": f"https://avatars.slack-edge.example/{digest}_24.png",
            "image_72": f"https://avatars.slack-edge.example/{digest}_72.png",
            "team": world.team_id,
        }
        if not person.is_bot:
            profile["email"] = person.email
        if person.slack_bot_id:
            profile["bot_id"] = person.slack_bot_id
            profile["api_app_id"] = person.slack_app_id
            profile["always_active"] = True
        out: dict[str, Any] = {
            "id": person.slack_id,
            "team_id": world.team_id,
            "name": person.slack_name,
            "deleted": person.deleted,
            "color": _COLORS[int(digest[:2], 16) % len(_COLORS)],
            "real_name": person.name,
            "tz": person.tz,
            "tz_label": person.tz,
            "tz_offset": 0 if person.tz.endswith("London") else 3600,
            "profile": profile,
            "is_admin": person.key == "hannah.schmidt",
            "is_owner": person.key == "hannah.schmidt",
            "is_primary_owner": person.key == "hannah.schmidt",
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": person.is_bot,
            "is_app_user": False,
            "updated": person.created // US,
            "is_email_confirmed": not person.is_bot,
            "who_can_share_contact_card": "EVERYONE",
        }
        if person.deleted:
            for key in ("is_admin", "is_owner", "is_primary_owner", "tz", "tz_label", "tz_offset"):
                out.pop(key, None)
        return out

    def _slackbot(self) -> dict[str, Any]:
        return {
            "id": "USLACKBOT",
            "team_id": self.world.team_id,
            "name": "slackbot",
            "deleted": False,
            "color": "757575",
            "real_name": "Slackbot",
            "tz": "America/Los_Angeles",
            "tz_label": "Pacific Standard Time",
            "tz_offset": -28800,
            "profile": {
                "real_name": "Slackbot",
                "display_name": "Slackbot",
                "first_name": "slackbot",
                "last_name": "",
                "team": self.world.team_id,
            },
            "is_admin": False,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": False,  # Slack's own quirk: Slackbot is not flagged as a bot
            "is_app_user": False,
            "updated": 0,
        }

    def channel_json(self, channel: Channel) -> dict[str, Any]:
        world = self.world
        creator = self._person(channel.creator)[0]
        return {
            "id": channel.id,
            "name": channel.name,
            "is_channel": not channel.private,
            "is_group": channel.private,
            "is_im": False,
            "is_mpim": False,
            "is_private": channel.private,
            "created": channel.created // US,
            "is_archived": channel.archived,
            "is_general": channel.is_general,
            "unlinked": 0,
            "name_normalized": channel.name,
            "is_shared": False,
            "is_org_shared": False,
            "is_pending_ext_shared": False,
            "pending_shared": [],
            "context_team_id": world.team_id,
            "updated": channel.created // 1000,
            "parent_conversation": None,
            "creator": creator,
            "is_ext_shared": False,
            "shared_team_ids": [world.team_id],
            "pending_connected_team_ids": [],
            "is_member": channel.member,
            "topic": {
                "value": channel.topic,
                "creator": creator,
                "last_set": channel.created // US,
            },
            "purpose": {
                "value": channel.purpose,
                "creator": creator,
                "last_set": channel.created // US,
            },
            "previous_names": [],
            "num_members": len(channel.members),
        }

    def message_json(
        self, channel: Channel, message: Message, parent: Message | None = None
    ) -> dict[str, Any]:
        world = self.world
        out: dict[str, Any] = {"type": "message"}
        if message.bot is not None:
            bot = world.bots[message.bot]
            out.update(
                {
                    "subtype": "bot_message",
                    "text": self.text(message.src),
                    "ts": message.ts,
                    "username": bot.name,
                    "bot_id": bot.bot_id,
                    "app_id": bot.app_id,
                }
            )
        else:
            person = world.people.get(message.author or "")
            user = person.slack_id if person else None
            if message.subtype:
                out["subtype"] = message.subtype
            out["user"] = user
            out["text"] = self.text(message.src)
            out["ts"] = message.ts
            if person is not None and person.slack_bot_id:
                out["bot_id"] = person.slack_bot_id
                out["app_id"] = person.slack_app_id
                out["bot_profile"] = {
                    "id": person.slack_bot_id,
                    "deleted": False,
                    "name": person.slack_name,
                    "updated": person.created // US,
                    "app_id": person.slack_app_id,
                    "team_id": world.team_id,
                }
            elif not message.subtype:
                digest = hashlib.md5(
                    f"{channel.id}:{message.ts}".encode(), usedforsecurity=False
                ).hexdigest()
                out["client_msg_id"] = (
                    f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
                )
            out["team"] = world.team_id
        if message.edited_at is not None:
            out["edited"] = {
                "user": self._person(message.edited_by or message.author or "")[0],
                "ts": slack_ts(message.edited_at),
            }
        if message.thread_ts is not None:
            out["thread_ts"] = message.thread_ts
        if message.replies:
            users: list[str] = []
            for reply in message.replies:
                uid = self._person(reply.author or "")[0]
                if uid and uid not in users:
                    users.append(uid)
            out.update(
                {
                    "reply_count": len(message.replies),
                    "reply_users_count": len(users),
                    "latest_reply": message.replies[-1].ts,
                    "reply_users": users[:5],
                    "is_locked": False,
                    "subscribed": False,
                }
            )
        if parent is not None:
            out["parent_user_id"] = self._person(parent.author or "")[0] or None
        if message.reactions:
            out["reactions"] = [
                {"name": name, "users": [self._person(k)[0] for k in keys], "count": len(keys)}
                for name, keys in message.reactions
            ]
        return out

    # channels and access

    def _channel(self, args: dict[str, str], *, history: bool) -> Channel:
        cid = args.get("channel")
        if not cid:
            raise _error(
                "invalid_arguments",
                response_metadata={"messages": ["[ERROR] missing required field: channel"]},
            )
        channel = self.world.channels.get(cid)
        if channel is None or (channel.private and not channel.member):
            raise _error("channel_not_found")
        if history and not channel.member:
            raise _error("not_in_channel")
        return channel

    def _limit(
        self, args: dict[str, str], default: int, maximum: int, *, capped: bool = False
    ) -> int:
        raw = args.get("limit")
        try:
            limit = int(raw) if raw not in (None, "") else default
        except ValueError:
            raise _error("invalid_limit") from None
        if limit <= 0:
            limit = default
        limit = min(limit, maximum)
        if capped and self.page_cap is not None:
            limit = min(limit, self.page_cap)
        return limit

    def _bounds(self, args: dict[str, str]) -> tuple[int, int, bool]:
        try:
            oldest = parse_slack_ts(args["oldest"]) if args.get("oldest") else 0
            latest = parse_slack_ts(args["latest"]) if args.get("latest") else None
        except ValueError:
            raise _error("invalid_ts_oldest" if "oldest" in args else "invalid_ts_latest") from None
        inclusive = args.get("inclusive", "").lower() in ("1", "true")
        return oldest, (latest if latest is not None else 2**62), inclusive

    # methods

    def auth_test(self, args: dict[str, str]) -> Response:
        world = self.world
        bot = world.people[world.bot_user]
        return _ok(
            {
                "url": f"https://{world.team_domain}.slack.com/",
                "team": "Tessera",
                "user": bot.slack_name,
                "team_id": world.team_id,
                "user_id": bot.slack_id,
                "bot_id": bot.slack_bot_id,
                "is_enterprise_install": False,
            }
        )

    def team_info(self, args: dict[str, str]) -> Response:
        world = self.world
        return _ok(
            {
                "team": {
                    "id": world.team_id,
                    "name": "Tessera",
                    "domain": world.team_domain,
                    "email_domain": "tessera.example",
                    "icon": {},
                }
            }
        )

    def conversations_list(self, args: dict[str, str]) -> Response:
        types = {t.strip() for t in args.get("types", "public_channel").split(",") if t.strip()}
        exclude_archived = args.get("exclude_archived", "").lower() in ("1", "true")
        limit = self._limit(args, 100, 1000)
        visible = []
        for channel in self.world.channels.values():
            kind = "private_channel" if channel.private else "public_channel"
            if kind not in types or (channel.private and not channel.member):
                continue
            if exclude_archived and channel.archived:
                continue
            visible.append(channel)
        visible.sort(key=lambda c: c.id)
        start = 0
        if args.get("cursor"):
            after = _decode(args["cursor"], "team:")
            start = bisect.bisect_left([c.id for c in visible], after)
        page = visible[start : start + limit]
        more = start + limit < len(visible)
        return _ok(
            {
                "channels": [self.channel_json(c) for c in page],
                "response_metadata": {
                    "next_cursor": _encode("team:" + visible[start + limit].id) if more else ""
                },
            }
        )

    def conversations_info(self, args: dict[str, str]) -> Response:
        return _ok({"channel": self.channel_json(self._channel(args, history=False))})

    def conversations_history(self, args: dict[str, str]) -> Response:
        channel = self._channel(args, history=True)
        oldest, latest, inclusive = self._bounds(args)
        limit = self._limit(args, 100, 999, capped=True)
        if args.get("cursor"):
            latest = parse_slack_ts(_decode(args["cursor"], "next_ts:"))
            inclusive_top = True
        else:
            inclusive_top = inclusive
        messages = channel.messages
        key = _at
        lo = (
            bisect.bisect_left(messages, oldest, key=key)
            if inclusive
            else bisect.bisect_right(messages, oldest, key=key)
        )
        hi = (
            bisect.bisect_right(messages, latest, key=key)
            if inclusive_top
            else bisect.bisect_left(messages, latest, key=key)
        )
        window = messages[lo:hi]
        page = window[::-1][:limit]
        more = len(window) > limit
        payload: dict[str, Any] = {
            "messages": [self.message_json(channel, m) for m in page],
            "has_more": more,
            "pin_count": 0,
            "channel_actions_ts": None,
            "channel_actions_count": 0,
        }
        if more:
            next_message = window[::-1][limit]
            payload["response_metadata"] = {"next_cursor": _encode("next_ts:" + next_message.ts)}
        return _ok(payload)

    def conversations_replies(self, args: dict[str, str]) -> Response:
        channel = self._channel(args, history=True)
        ts = args.get("ts")
        if not ts:
            raise _error(
                "invalid_arguments",
                response_metadata={"messages": ["[ERROR] missing required field: ts"]},
            )
        message = channel.by_ts.get(ts)
        if message is None:
            raise _error("thread_not_found")
        if message.thread_ts and message.thread_ts != message.ts:
            message = channel.by_ts[message.thread_ts]
        parent = message
        replies = parent.replies or []
        oldest, latest, inclusive = self._bounds(args)
        limit = self._limit(args, 1000, 1000, capped=True)
        start_at = oldest
        start_inclusive = inclusive
        if args.get("cursor"):
            start_at = parse_slack_ts(_decode(args["cursor"], "next_ts:"))
            start_inclusive = True
        lo = (
            bisect.bisect_left(replies, start_at, key=_at)
            if start_inclusive
            else bisect.bisect_right(replies, start_at, key=_at)
        )
        hi = (
            bisect.bisect_right(replies, latest, key=_at)
            if inclusive
            else bisect.bisect_left(replies, latest, key=_at)
        )
        window = replies[lo:hi]
        room = max(1, limit - 1)  # the parent leads every page and counts toward the limit
        page = window[:room]
        more = len(window) > room
        payload: dict[str, Any] = {
            "messages": [self.message_json(channel, parent)]
            + [self.message_json(channel, r, parent) for r in page],
            "has_more": more,
        }
        if more:
            payload["response_metadata"] = {"next_cursor": _encode("next_ts:" + window[room].ts)}
        return _ok(payload)

    def _slack_people(self) -> list[Person]:
        people = [p for p in self.world.people.values() if p.slack_id]
        people.sort(key=lambda p: p.slack_id or "")
        return people

    def users_list(self, args: dict[str, str]) -> Response:
        limit = self._limit(args, 1000, 1000)
        people = self._slack_people()
        members: list[dict[str, Any]] = [self.user_json(p) for p in people]
        members.append(self._slackbot())
        start = 0
        if args.get("cursor"):
            after = _decode(args["cursor"], "user:")
            ids = [m["id"] for m in members]
            if after not in ids:
                raise _error("invalid_cursor")
            start = ids.index(after)
        page = members[start : start + limit]
        more = start + limit < len(members)
        return _ok(
            {
                "members": page,
                "cache_ts": self.world.now // US,
                "response_metadata": {
                    "next_cursor": _encode("user:" + members[start + limit]["id"]) if more else ""
                },
            }
        )

    def users_info(self, args: dict[str, str]) -> Response:
        uid = args.get("user", "")
        if uid == "USLACKBOT":
            return _ok({"user": self._slackbot()})
        person = self.world.person_by_slack(uid)
        if person is None:
            raise _error("user_not_found")
        return _ok({"user": self.user_json(person)})

    def bots_info(self, args: dict[str, str]) -> Response:
        wanted = args.get("bot", "")
        for bot in self.world.bots.values():
            if bot.bot_id == wanted:
                return _ok(
                    {
                        "bot": {
                            "id": bot.bot_id,
                            "deleted": False,
                            "name": bot.name,
                            "updated": self.world.now // US - 86400 * 300,
                            "app_id": bot.app_id,
                            "icons": {},
                        }
                    }
                )
        for person in self.world.people.values():
            if person.slack_bot_id == wanted:
                return _ok(
                    {
                        "bot": {
                            "id": wanted,
                            "deleted": False,
                            "name": person.slack_name,
                            "updated": person.created // US,
                            "app_id": person.slack_app_id,
                            "user_id": person.slack_id,
                            "icons": {},
                        }
                    }
                )
        raise _error("bot_not_found")

    def permalink(self, args: dict[str, str]) -> Response:
        channel = self._channel(args, history=False)
        ts = args.get("message_ts", "")
        if ts not in channel.by_ts:
            raise _error("message_not_found")
        site = f"https://{self.world.team_domain}.slack.com"
        link = f"{site}/archives/{channel.id}/p{ts.replace('.', '')}"
        return _ok({"channel": channel.id, "permalink": link})


def _at(message: Message) -> int:
    return message.at
