package dev.rbmrevoker.campaign;

import dev.rbmrevoker.message.MessageState;

/** A message of a campaign as the campaign index shows it (the state may lag the item by a moment). */
public record CampaignEntry(String messageId, MessageState state) {
}
