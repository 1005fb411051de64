"""What a delivery's outcome does to its recipient: the one place for the reachability rules.

Transports (the Telegram push transport and reply sender, WeChat customer-service and template
messages, WeCom robots) only classify an outcome; the outbox and the channels hand every outcome to
`RecipientRules.apply`, registered by the composition root:

- blocked / kicked / unsubscribed / not following (UNREACHABLE): a person is marked unreachable, a
  group (or robot) inactive, so nobody keeps pushing to them;
- no such chat / user / robot (INVALID): a person is marked invalid, a group inactive;
- migrated (a new id comes with the result): the group's binding moves to its new id;
- a bad request (BAD_REQUEST) is a defect of the message: logged and counted, the delivery failed,
  the recipient untouched; out of window, retries and successes change nothing either.
"""

from __future__ import annotations

import logging
from collections import Counter

from bot.outbox.delivery import DeliveryResult, DeliveryStatus, PushTarget
from storage.directory import DirectoryStore, Reachability

log = logging.getLogger(__name__)

STOPPED: dict[DeliveryStatus, Reachability] = {
    DeliveryStatus.UNREACHABLE: "unreachable",
    DeliveryStatus.INVALID: "invalid",
}


class RecipientRules:
    def __init__(self, directory: DirectoryStore) -> None:
        self.directory = directory
        self.counts: Counter[str] = Counter()  # outcomes seen, by status ("bad_request": defective messages)

    async def apply(self, target: PushTarget, result: DeliveryResult) -> None:
        """Change the recipient's state as this outcome requires (idempotent: outcomes may repeat)."""
        self.counts[result.status.value] += 1
        if result.new_recipient and target.kind != "user":
            log.info("%s group %s moved to %s", target.channel, target.recipient, result.new_recipient)
            await self.directory.move_group(target.channel, target.recipient, result.new_recipient)
            return
        if result.status is DeliveryStatus.BAD_REQUEST:
            log.warning(
                "%s refused a message to %s %s as malformed (%s); the recipient stays reachable",
                target.channel,
                target.kind,
                target.recipient,
                result.detail,
            )
            return
        status = STOPPED.get(result.status)
        if status is None:
            return
        if target.kind == "user":
            user = target.user_id or target.recipient
            if await self.directory.reachability(target.channel, user) is None:
                await self.directory.seen(target.channel, user, target.recipient, inbound=False)
            await self.directory.set_reachability(target.channel, user, status)
        else:
            await self.directory.set_group_active(target.channel, target.recipient, False)
