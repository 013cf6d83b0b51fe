package dev.rbmrevoker.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.rbmrevoker.message.Channel;
import dev.rbmrevoker.message.ChannelDelivery;
import dev.rbmrevoker.message.Fallback;
import dev.rbmrevoker.message.HistoryEntry;
import dev.rbmrevoker.message.Message;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The message resource of API.md. */
@RegisterForReflection
public record MessageView(
        String messageId,
        String agentId,
        String phoneNumber,
        String campaign,
        String state,
        Instant deadline,
        Instant createdAt,
        Instant updatedAt,
        Instant deliveredAt,
        Instant readAt,
        Instant revokedAt,
        FallbackView fallback,
        List<HistoryView> history,
        int historyDropped) {

    public static MessageView of(Message m) {
        return new MessageView(m.messageId(), m.agentId(), m.phoneNumber(), m.campaign(), m.state().name(),
                ms(m.deadline()),
                ms(m.createdAt()), ms(m.updatedAt()), ms(m.deliveredAt()), ms(m.readAt()), ms(m.revokedAt()),
                FallbackView.of(m.fallback()), m.history().stream().map(HistoryView::of).toList(),
                m.historyDropped());
    }

    /**
     * Times at the store's precision (milliseconds): the answer that created or changed a message shows
     * the same times as every later read of it.
     */
    static Instant ms(Instant time) {
        return time == null ? null : time.truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * The fallback: the channels asked for, with each one's progress once triggered ({@code PENDING},
     * {@code SENDING}, {@code SENT}, {@code UNCONFIRMED}, {@code FAILED}).
     *
     * @param dueAt when a hand-over is scheduled: the end of a revoke's confirm window while WAITING, the
     *     next attempt while PENDING; else null
     */
    @RegisterForReflection
    public record FallbackView(SmsView sms, CallbackView callback, String state, String reason, Instant sentAt,
            Instant dueAt) {

        static FallbackView of(Fallback f) {
            SmsView sms = f.smsText() == null ? null : new SmsView(f.smsText(), delivery(f, Channel.SMS));
            CallbackView callback = f.callback() ? new CallbackView(delivery(f, Channel.CALLBACK)) : null;
            return new FallbackView(sms, callback, f.state().name(),
                    f.reason() == null ? null : f.reason().name(), ms(f.sentAt()), ms(f.nextAttemptAt()));
        }

        private static DeliveryView delivery(Fallback f, Channel channel) {
            ChannelDelivery d = f.deliveries().get(channel);
            return d == null ? null : new DeliveryView(d.state().name(), d.attempts(), ms(d.sentAt()), d.lastError());
        }
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SmsView(String text, DeliveryView delivery) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CallbackView(DeliveryView delivery) {
    }

    @RegisterForReflection
    public record DeliveryView(String state, int attempts, Instant sentAt, String lastError) {
    }

    @RegisterForReflection
    public record HistoryView(Instant at, String event, String source, String detail) {

        static HistoryView of(HistoryEntry e) {
            return new HistoryView(ms(e.at()), e.event(), e.source().wireName(), e.detail());
        }
    }
}
