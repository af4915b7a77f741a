"""What delivering an upload row needs to know about slack_sdk's files_upload_v2 (3.47).

files_upload_v2 makes three requests: files.getUploadURLExternal (a file id and an upload URL), a raw POST
of the bytes to that URL, then files.completeUploadExternal, which shares the file in the channel (or
thread). Only the last one can have shared the file, so only a failure in it (a timeout, a 5xx, a lost
answer) leaves an attempt uncertain; a failed first or second request leaves at most an unshared file
behind, and the retry starts over with a new file id.

slack_sdk does not say which request failed, and the failures have different shapes:
- a Web API call answering an error raises SlackApiError, whose response's api_url names the method;
- a timeout or connection error in any of the three raises the bare OSError (TimeoutError, URLError),
  found by the slack_sdk function in its traceback;
- the raw POST goes through urllib's urlopen, without the client's retry handlers: an HTTP error status
  raises urllib.error.HTTPError (an OSError), and any other status than 200 a SlackRequestError
  "Failed to upload a file (status: ...)".
A failure of unknown shape counts as possibly shared: the lookup before the retry costs one request.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from typing import Any

from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web import SlackResponse

SHARING_METHOD = "files.completeUploadExternal"
_SHARING_FUNCTION = "files_completeUploadExternal"
# files_upload_v2's steps before sharing: reading the content, asking for the URL, posting the bytes.
_BEFORE_SHARING = frozenset({"_to_v2_file_upload_item", "files_getUploadURLExternal", "_upload_file"})
_RAW_UPLOAD_REFUSED = "Failed to upload a file"
# Upload errors retrying cannot fix (besides those of every post): someone has to change the workspace's
# settings, or the file.
PERMANENT_UPLOAD_ERRORS = frozenset(
    {
        "alt_txt_too_large",
        "file_type_not_allowed",
        "file_upload_size_restricted",
        "file_uploads_disabled",
        "invalid_channel",
        "posting_to_general_channel_denied",
    }
)


def may_have_shared(error: BaseException) -> bool:
    """Whether a files_upload_v2 call that raised `error` may have shared the file all the same."""
    if isinstance(error, SlackApiError):
        return str(error.response.api_url).rsplit("/", 1)[-1] == SHARING_METHOD
    functions = {frame.f_code.co_name for frame, _ in traceback.walk_tb(error.__traceback__)}
    if _SHARING_FUNCTION in functions:
        return True
    if functions & _BEFORE_SHARING:
        return False
    return not (isinstance(error, SlackRequestError) and str(error).startswith(_RAW_UPLOAD_REFUSED))


def file_named(message: Mapping[str, Any], filename: str) -> Mapping[str, Any] | None:
    """The file called `filename` among those a message shares, if any."""
    for shared in message.get("files") or []:
        if isinstance(shared, Mapping) and shared.get("name") == filename and shared.get("id"):
            return shared
    return None


def shared_file_id(response: SlackResponse) -> str:
    """The id of the file files_upload_v2 shared, from files.completeUploadExternal's answer."""
    files = response.get("files") or []
    if not files or not isinstance(files[0], Mapping) or not files[0].get("id"):
        raise SlackRequestError(f"{SHARING_METHOD} answered without the shared file: {response.data!r}")
    return str(files[0]["id"])
