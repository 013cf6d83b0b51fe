package dev.rbmrevoker.rbm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RbmEndpointsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "global, https://rcsbusinessmessaging.googleapis.com",
            "us, https://us-rcsbusinessmessaging.googleapis.com",
            "europe, https://europe-rcsbusinessmessaging.googleapis.com",
            "asia, https://asia-rcsbusinessmessaging.googleapis.com",
            "EUROPE, https://europe-rcsbusinessmessaging.googleapis.com",
            "' us ', https://us-rcsbusinessmessaging.googleapis.com" })
    void eachRegion_picksItsHost(String region, String host) {
        assertEquals(URI.create(host), RbmEndpoints.baseUri(region, Optional.empty()));
    }

    @Test
    void noRegion_isGlobal() {
        assertEquals(URI.create(RbmEndpoints.GLOBAL), RbmEndpoints.baseUri("", Optional.empty()));
        assertEquals(URI.create(RbmEndpoints.GLOBAL), RbmEndpoints.baseUri(null, Optional.empty()));
    }

    @Test
    void endpoint_overridesTheRegion() {
        assertEquals(URI.create("http://127.0.0.1:8089"), RbmEndpoints.baseUri("europe", Optional.of("http://127.0.0.1:8089/")));
    }

    @Test
    void blankEndpoint_isIgnored() {
        assertEquals(URI.create("https://asia-rcsbusinessmessaging.googleapis.com"),
                RbmEndpoints.baseUri("asia", Optional.of(" ")));
    }

    @Test
    void unknownRegion_failsNamingTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RbmEndpoints.baseUri("mars", Optional.empty()));
        assertTrue(e.getMessage().contains("RBM_REGION"), e.getMessage());
    }
}
