package dev.rbmrevoker.rbm;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/** Which host serves an agent's region. */
public final class RbmEndpoints {

    public static final String GLOBAL = "https://rcsbusinessmessaging.googleapis.com";

    private RbmEndpoints() {
    }

    /**
     * The API base URL: {@code endpoint} when set, else the region's host ({@code global} or empty: the
     * global host; {@code us}, {@code europe}, {@code asia}: {@code https://{region}-rcsbusinessmessaging.googleapis.com}).
     *
     * @throws IllegalArgumentException for another region, naming RBM_REGION
     */
    public static URI baseUri(String region, Optional<String> endpoint) {
        if (endpoint.isPresent() && !endpoint.get().isBlank()) {
            String url = endpoint.get().strip();
            return URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        }
        String normalized = region == null ? "" : region.strip().toLowerCase(Locale.ROOT);
        return switch (normalized) {
            case "", "global" -> URI.create(GLOBAL);
            case "us", "europe", "asia" -> URI.create("https://" + normalized + "-rcsbusinessmessaging.googleapis.com");
            default -> throw new IllegalArgumentException(
                    "RBM_REGION must be one of global, us, europe, asia; it is '" + region + "'");
        };
    }
}
