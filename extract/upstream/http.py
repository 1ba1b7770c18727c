"""Pull a night's window from a paged JSON API (the 12315 platform, web monitoring), by page number or cursor.

Each request has a timeout; a 5xx answer or a connection error is retried with exponential backoff, a 4xx
answer is not (asking again will not change it), and giving up raises a Chinese error naming the source and
the status. A page that is not JSON, or has no list of records where the configuration says, stops the pull.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from extract.upstream import PullFailed, connection, label, window
from extract.upstream.config import HttpPull

MAX_PAGES = 100_000  # a cursor that never ends is an upstream bug, not a night's data


def _transient(exc: BaseException) -> bool:
    """Worth asking again: the connection failed or timed out, or the server answered 5xx."""
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code >= 500
    return isinstance(exc, httpx.TransportError)


def _client(config: HttpPull) -> httpx.Client:
    conn = connection(config.connection, config.source)
    host = conn.host or ""
    base = host if "://" in host else f"{conn.schema or 'http'}://{host}"
    if conn.port:
        base += f":{conn.port}"
    extra = conn.extra_dejson
    headers = {"Accept": "application/json", **extra.get("headers", {})}
    if token := extra.get("token"):
        headers["Authorization"] = f"Bearer {token}"
    auth = (conn.login, conn.password or "") if conn.login else None
    return httpx.Client(base_url=base, headers=headers, auth=auth, timeout=config.timeout, follow_redirects=True)


def _dig(page: Any, dotted: str) -> Any:
    for part in dotted.split(".") if dotted else ():
        page = page.get(part) if isinstance(page, dict) else None
    return page


def _get(client: httpx.Client, config: HttpPull, params: dict[str, Any], where: str) -> Any:
    """One page, retried on transient failures; its JSON body."""
    retrying = Retrying(
        stop=stop_after_attempt(config.retries + 1),
        wait=wait_exponential(multiplier=config.backoff, max=60),
        retry=retry_if_exception(_transient),
        reraise=True,
    )
    try:
        response = retrying(lambda: client.get(config.path, params=params).raise_for_status())
    except httpx.HTTPStatusError as exc:
        status = exc.response.status_code
        tries = f"，已重试{config.retries}次" if status >= 500 else "（4xx 不重试）"
        answer = f"HTTP {status} {exc.response.reason_phrase}"
        raise PullFailed(f"{label(config.source)}：接口返回 {answer}（{config.path}，{where}）{tries}") from exc
    except httpx.TransportError as exc:
        raise PullFailed(
            f"{label(config.source)}：接口连接失败（{config.path}，{where}）：{type(exc).__name__}，"
            f"已重试{config.retries}次"
        ) from exc
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PullFailed(f"{label(config.source)}：接口返回的不是合法JSON（{config.path}，{where}）：{exc}") from exc


def fetch(config: HttpPull, day: date) -> Iterator[dict[str, Any]]:
    """Every record of the night's window, page after page."""
    start, end = window(day)
    base = {**config.params, config.window_params[0]: start.isoformat(), config.window_params[1]: end.isoformat()}
    cursor: str | None = None
    seen: set[str] = set()
    with _client(config) as client:
        for n in range(MAX_PAGES):
            if config.paging == "page":
                params = base | {config.page_param: config.first_page + n, config.size_param: config.page_size}
            else:
                params = base | ({config.cursor_param: cursor} if cursor else {})
            where = f"第{n + 1}页"
            body = _get(client, config, params, where)
            records = _dig(body, config.records)
            if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
                raise PullFailed(f"{label(config.source)}：接口返回中 {config.records} 不是记录列表（{where}）")
            yield from records
            if config.paging == "page":
                if len(records) < config.page_size:
                    return
                continue
            cursor = _dig(body, config.next_cursor)
            if not cursor:
                return
            if str(cursor) in seen:
                raise PullFailed(f"{label(config.source)}：接口返回了重复的游标 {cursor}（{where}），翻页不会结束")
            seen.add(str(cursor))
    raise PullFailed(f"{label(config.source)}：超过{MAX_PAGES}页仍未结束")
