"""How a 5-Why reads in Slack: Block Kit and fallback text of its questions, the category buttons and
action prompt, notes on what was recorded and the summary; and the replies of /sla why and /sla actions.
Everything in the reader's language (a thread's is its channel's); what people typed is shown as typed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from slabot.core.errors import said_in
from slabot.core.i18n import Message, t, tn, tr
from slabot.core.mentions import channel_mention, user_mention
from slabot.core.timefmt import format_percent
from slabot.rca.analysis import is_overdue
from slabot.rca.conversation import ACTION_EXAMPLE, MAX_WHYS, current_position, why_question
from slabot.rca.events import (
    ActionRecorded,
    Asking,
    NotDoneYet,
    ProblemNoted,
    QuestionAsked,
    WhyCancelled,
    WhyFinished,
    WhyStarted,
    Withdrawal,
    WrapUp,
)
from slabot.rca.impact import POSTMORTEM_SHARE
from slabot.render.ids import ActionId, BlockId
from slabot.render.locale import DEFAULT_LOCALE, Locale
from slabot.render.reply import Reply, context, escape, header, section, with_more
from storage.models.catalog import Service
from storage.models.incidents import Incident
from storage.models.rca import ActionItem, ActionItemStatus, FishboneCategory, RcaWhy

CATEGORY_LABELS: dict[FishboneCategory, Message] = {
    FishboneCategory.PEOPLE: t("People"),
    FishboneCategory.PROCESS: t("Process"),
    FishboneCategory.TECHNOLOGY: t("Technology"),
    FishboneCategory.DEPENDENCIES: t("Dependencies"),
    FishboneCategory.MEASUREMENT: t("Measurement"),
    FishboneCategory.ENVIRONMENT: t("Environment"),
}


def category_label(category: FishboneCategory, locale: Locale = DEFAULT_LOCALE) -> str:
    """A fishbone category as people read it: "Technology", 技术."""
    return CATEGORY_LABELS[category].render(locale)


def current_why(answers: int, locale: Locale = DEFAULT_LOCALE) -> str:
    """The question a 5-Why with this many answers is asking: "Why 3/5"."""
    return tr(locale, "Why {position}/{total}", position=current_position(answers), total=MAX_WHYS)


def asked_questions(title: str, whys: Sequence[RcaWhy], locale: Locale) -> list[str]:
    """The questions the whys answered: as stored (in English, as asked), or asked again in another language of
    the same symptom and answers."""
    if locale == DEFAULT_LOCALE:
        return [why.question for why in whys]
    previous = [None, *(why.answer for why in whys)]
    return [why_question(why.position, title, previous[i]).render(locale) for i, why in enumerate(whys)]


def _hint(incident_id: int, locale: Locale) -> str:
    return tr(
        locale,
        "Reply in this thread: your reply answers the question. `done` when that answer is the root cause · "
        "`back` to redo the last answer · `/sla why {id} cancel` to stop",
        id=incident_id,
    )


def _note(text: str) -> Reply:
    """A short line in the thread (something recorded, or what to type instead)."""
    return Reply(text=text, blocks=[section(text)], public=True)


def action_line(item: ActionItem, today: date | None = None, *, locale: Locale = DEFAULT_LOCALE) -> str:
    """`#7 add a replica lag alarm · @dana · due 2026-12-01 · open` (overdue flagged when today is given)."""
    shown = {
        "id": item.id,
        "text": escape(item.text),
        "owner": user_mention(item.owner_id),
        "due": item.due.isoformat(),
    }
    if item.status == ActionItemStatus.DONE:
        return tr(locale, "#{id} {text} · {owner} · due {due} · done", **shown)
    if today is not None and is_overdue(item, today):
        return tr(locale, "#{id} {text} · {owner} · due {due} · open, *overdue*", **shown)
    return tr(locale, "#{id} {text} · {owner} · due {due} · open", **shown)


def _listed(item: ActionItem, locale: Locale) -> str:
    """An action item in the fallback text of /sla actions: `#7 add a replica lag alarm (open)`."""
    if item.status == ActionItemStatus.DONE:
        return tr(locale, "#{id} {text} (done)", id=item.id, text=escape(item.text))
    return tr(locale, "#{id} {text} (open)", id=item.id, text=escape(item.text))


# --- in the thread ------------------------------------------------------------------------------------


def started(event: WhyStarted, *, locale: Locale) -> Reply:
    """The first message of a 5-Why: why it started, and Why 1/5."""
    incident_id = event.where.incident_id
    if event.impact is not None:
        objective = f"{event.service.name}/{event.impact.objective.name}"
        reason = tr(
            locale,
            ":mag: 5-Why for incident #{id}: it used {consumed} of {objective}'s error budget, more than the "
            "{share} that calls for a postmortem. Let's find the root cause.",
            id=incident_id,
            consumed=format_percent(event.impact.consumed, locale=locale),
            objective=escape(objective),
            share=format_percent(POSTMORTEM_SHARE, 0, locale=locale),
        )
    else:
        reason = tr(
            locale,
            ":mag: 5-Why for incident #{id}: {person} started it.",
            id=incident_id,
            person=user_mention(event.started_by or ""),
        )
    text = f"{reason}\n*{escape(said_in(event.first_question, locale))}*"
    return Reply(text=text, blocks=[section(text), context(_hint(incident_id, locale))], public=True)


def asked(event: QuestionAsked, *, locale: Locale) -> Reply:
    """The next question, with a word on why it comes (after `back` or an edit)."""
    match event.asking:
        case Asking.NO_EARLIER:
            note: str | None = tr(locale, "There is no earlier question; this is the first one.")
        case Asking.AGAIN:
            note = tr(
                locale,
                ":leftwards_arrow_with_hook: Again: your next reply replaces “{answer}”.",
                answer=escape(event.replaced or ""),
            )
        case Asking.REWORDED:
            note = tr(locale, "Reworded after the edit:")
        case _:
            note = None
    text = (f"{note}\n" if note else "") + f"*{escape(said_in(event.question, locale))}*"
    return Reply(text=text, blocks=[section(text), context(_hint(event.where.incident_id, locale))], public=True)


def _category_buttons(rca_id: int, chosen: FishboneCategory | None, locale: Locale) -> ActionsBlock:
    buttons = [
        ButtonElement(
            text=category_label(category, locale),
            action_id=f"{ActionId.RCA_CATEGORY}:{category.value}",
            value=str(rca_id),
            style="primary" if chosen == category else None,
        )
        for category in FishboneCategory
    ]
    return ActionsBlock(block_id=BlockId.RCA_CATEGORIES, elements=buttons)


def wrap_up(shown: WrapUp, *, locale: Locale) -> Reply:
    """The message after the whys: the root cause, the category buttons, the prompt for action items (no
    buttons once closed)."""
    lines = [tr(locale, ":dart: *Root cause:* {cause}", cause=escape(shown.root_cause))]
    if shown.category is not None:
        lines.append(tr(locale, "*Category:* {category}", category=category_label(shown.category, locale)))
    blocks: list[Block] = [section("\n".join(lines))]
    if not shown.closed:
        blocks.append(section(tr(locale, "Which fishbone category does the root cause belong to?")))
        blocks.append(_category_buttons(shown.where.rca_id, shown.category, locale))
        prompt = tr(
            locale,
            "Now the action items, one per reply, like:\n`{example}`\n"
            "Say `done` when the list is complete (`back` returns to the whys).",
            example=ACTION_EXAMPLE,
        )
        blocks.append(section(prompt))
    pick = "" if shown.closed else "\n" + tr(locale, "Pick a category, then add action items.")
    return Reply(text="\n".join(lines) + pick, blocks=blocks, public=True)


def wrap_up_withdrawn(why: Withdrawal, *, locale: Locale) -> Reply:
    """What the wrap-up message reads once it no longer applies."""
    if why is Withdrawal.BACK:
        return _note(tr(locale, ":leftwards_arrow_with_hook: Back to the whys; this step comes again after them."))
    return _note(tr(locale, ":no_entry_sign: This 5-Why was stopped."))


def action_recorded(event: ActionRecorded, *, locale: Locale) -> Reply:
    line = action_line(event.item, locale=locale)
    if event.updated:
        return _note(tr(locale, ":memo: Action item updated: {line}", line=line))
    return _note(tr(locale, ":memo: Action item recorded: {line}", line=line))


def problem(event: ProblemNoted, *, locale: Locale) -> Reply:
    return _note(f":warning: {escape(said_in(event.problem, locale))}")


def not_done_yet(event: NotDoneYet, *, locale: Locale) -> Reply:
    if event.category_missing and event.action_items_missing:
        text = tr(
            locale,
            ":warning: Before `done`: pick a category with the buttons above and add at least one action item "
            "(`action: … owner=@… due=…`).",
        )
    elif event.category_missing:
        text = tr(locale, ":warning: Before `done`: pick a category with the buttons above.")
    else:
        text = tr(locale, ":warning: Before `done`: add at least one action item (`action: … owner=@… due=…`).")
    return _note(text)


def _why_sections(event: WhyFinished, locale: Locale) -> list[Block]:
    """One section a why (a long answer never cuts off the ones after it), the first under the heading."""
    questions = asked_questions(event.incident.title, event.whys, locale)
    steps = [
        tr(
            locale,
            "{question}\n      → {answer} ({person})",
            question=escape(question),
            answer=escape(why.answer),
            person=user_mention(why.answered_by),
        )
        for question, why in zip(questions, event.whys, strict=True)
    ]
    heading = tr(locale, "*The whys*")
    if not steps:
        return [section(f"{heading}\n—")]
    return [section(f"{heading}\n{steps[0]}"), *(section(step) for step in steps[1:])]


def summary(event: WhyFinished, *, locale: Locale) -> Reply:
    """The 5-Why's last message: the whys, the root cause and its category, the action items."""
    incident = event.incident
    picked = event.category
    category = category_label(picked, locale) if picked is not None else tr(locale, "not picked")
    root = event.whys[-1].answer if event.whys else "—"
    actions = "\n".join(f"• {action_line(item, locale=locale)}" for item in event.action_items)
    name = escape(event.service.name)
    blocks: list[Block] = [
        header(  # plain text: nothing in it is markup
            tr(
                locale,
                ":white_check_mark: 5-Why of incident #{id} sev{severity}: {title}",
                id=incident.id,
                severity=incident.severity,
                title=incident.title,
            )
        ),
        *_why_sections(event, locale),
        section(
            tr(locale, "*Root cause:* {cause}", cause=escape(root))
            + "\n"
            + tr(locale, "*Category:* {category}", category=category)
        ),
        section(tr(locale, "*Action items*\n{items}", items=actions or tr(locale, "none"))),
        context(
            tr(
                locale,
                "{service} · /sla actions {service} open · python bot.py export-rca {id} writes the postmortem",
                service=name,
                id=incident.id,
            )
        ),
    ]
    text = tr(
        locale,
        "5-Why of incident #{id} sev{severity}: {title} finished. Root cause: {cause} ({category}); {n} action items.",
        id=incident.id,
        severity=incident.severity,
        title=escape(incident.title),
        cause=escape(root),
        category=category,
        n=len(event.action_items),
    )
    return Reply(text=text, blocks=blocks, public=True)


def cancelled(event: WhyCancelled, *, locale: Locale) -> Reply:
    return _note(
        tr(
            locale,
            ":no_entry_sign: {person} stopped this 5-Why. Start again with /sla why {id}.",
            person=user_mention(event.actor),
            id=event.where.incident_id,
        )
    )


# --- replies to the person who asked ------------------------------------------------------------------


def started_reply(incident: Incident, *, locale: Locale) -> Reply:
    text = tr(
        locale,
        ":mag: Started a 5-Why for incident #{id} in its thread in {channel}. Answer its questions in the thread.",
        id=incident.id,
        channel=channel_mention(incident.channel_id or ""),
    )
    return Reply(text=text, blocks=[section(text)])


def cancelled_reply(incident_id: int, *, locale: Locale) -> Reply:
    text = tr(
        locale, ":no_entry_sign: Stopped the 5-Why of incident #{id}. Start again with /sla why {id}.", id=incident_id
    )
    return Reply(text=text, blocks=[section(text)])


def _list_texts(only_open: bool, service_name: str | None, n: int, listed: str) -> tuple[Message, Message, Message]:
    """What /sla actions says with nothing listed, its heading and its fallback text: open ones or all, of one
    service or of every one."""
    service, example = escape(service_name or ""), ACTION_EXAMPLE
    if only_open and service_name:
        return (
            t("No open action items of {service} yet. They are added in a 5-Why's thread: `{example}`",
              service=service, example=example),
            t("Open action items of {service} ({n})", service=service, n=n),
            t("Open action items of {service}: {listed}", service=service, listed=listed),
        )  # fmt: skip
    if only_open:
        return (
            t("No open action items yet. They are added in a 5-Why's thread: `{example}`", example=example),
            t("Open action items ({n})", n=n),
            t("Open action items: {listed}", listed=listed),
        )
    if service_name:
        return (
            t("No action items of {service} yet. They are added in a 5-Why's thread: `{example}`",
              service=service, example=example),
            t("Action items of {service} ({n})", service=service, n=n),
            t("Action items of {service}: {listed}", service=service, listed=listed),
        )  # fmt: skip
    return (
        t("No action items yet. They are added in a 5-Why's thread: `{example}`", example=example),
        t("Action items ({n})", n=n),
        t("Action items: {listed}", listed=listed),
    )


def action_list(
    items: Sequence[tuple[ActionItem, Incident, Service]],
    today: date,
    *,
    only_open: bool,
    service_name: str | None,
    locale: Locale,
) -> Reply:
    """/sla actions: open ones first, soonest due first (as listed), overdue ones flagged."""
    listed = "; ".join(_listed(item, locale) for item, _, _ in items)
    empty, heading, fallback = _list_texts(only_open, service_name, len(items), listed)
    if not items:
        text = empty.render(locale)
        return Reply(text=text, blocks=[section(text)])
    rows: list[Block] = [
        section(
            tr(
                locale,
                "{line}\nincident #{id} · {service}",
                line=action_line(item, today, locale=locale),
                id=incident.id,
                service=escape(service.name),
            )
        )
        for item, incident, service in items
    ]
    blocks = with_more(
        [header(heading.render(locale))],
        rows,
        lambda n: tn(locale, "…and {n} more action item", "…and {n} more action items", n),
        reserve=1,  # the closing context below
    )
    blocks.append(context(tr(locale, "Close one with /sla actions done &lt;id&gt;")))
    return Reply(text=fallback.render(locale), blocks=blocks)


def action_closed(item: ActionItem, *, locale: Locale) -> Reply:
    text = tr(locale, ":white_check_mark: Closed action item #{id}: {text}", id=item.id, text=escape(item.text))
    return Reply(text=text, blocks=[section(text)])
