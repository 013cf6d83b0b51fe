package dev.rbmrevoker.sweep;

import dev.rbmrevoker.campaign.CampaignRevoker;
import dev.rbmrevoker.campaign.CampaignStore;
import dev.rbmrevoker.config.LifecycleConfig;
import dev.rbmrevoker.fallback.FallbackDispatcher;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.Timing;
import dev.rbmrevoker.observe.Metrics;
import dev.rbmrevoker.revoke.RevokeService;
import dev.rbmrevoker.send.SendService;
import dev.rbmrevoker.webhook.ForwardStore;
import dev.rbmrevoker.webhook.WebhookForwarder;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;

/** The application's sweeper with one part swapped, for tests that watch or bend that part. */
@ApplicationScoped
public class Sweepers {

    private final MessageStore store;
    private final ForwardStore forwards;
    private final WebhookForwarder forwarder;
    private final RevokeService revokes;
    private final SendService sends;
    private final FallbackDispatcher fallback;
    private final Timing timing;
    private final Clock clock;
    private final SweepConfig config;
    private final LifecycleConfig lifecycle;
    private final Metrics metrics;
    private final CampaignStore campaigns;
    private final CampaignRevoker campaignRevoker;

    public Sweepers(MessageStore store, ForwardStore forwards, WebhookForwarder forwarder, RevokeService revokes,
            SendService sends, FallbackDispatcher fallback, Timing timing, Clock clock, SweepConfig config,
            LifecycleConfig lifecycle, Metrics metrics, CampaignStore campaigns, CampaignRevoker campaignRevoker) {
        this.store = store;
        this.forwards = forwards;
        this.forwarder = forwarder;
        this.revokes = revokes;
        this.sends = sends;
        this.fallback = fallback;
        this.timing = timing;
        this.clock = clock;
        this.config = config;
        this.lifecycle = lifecycle;
        this.metrics = metrics;
        this.campaigns = campaigns;
        this.campaignRevoker = campaignRevoker;
    }

    /** A sweeper reading the due index through {@code dueIndex}. */
    public Sweeper over(MessageStore dueIndex) {
        return new Sweeper(dueIndex, forwards, forwarder, revokes, sends, fallback, timing, clock, config, lifecycle,
                metrics, campaigns, campaignRevoker);
    }

    /** A sweeper with other settings. */
    public Sweeper with(SweepConfig settings) {
        return new Sweeper(store, forwards, forwarder, revokes, sends, fallback, timing, clock, settings, lifecycle,
                metrics, campaigns, campaignRevoker);
    }

    /** The deployment's sweep settings. */
    public SweepConfig config() {
        return config;
    }
}
