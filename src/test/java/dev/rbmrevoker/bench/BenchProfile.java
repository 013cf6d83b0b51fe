package dev.rbmrevoker.bench;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The benchmark's application: the capacity meter on the app's DynamoDB client, quiet logs. */
public class BenchProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.dynamodb.interceptors", CapacityMeter.class.getName(),
                // The campaign figure: 20,000 messages at 200 RBM calls/s.
                "campaign.revoke-rate", "200",
                "quarkus.log.category.\"dev.rbmrevoker\".level", "WARN",
                "quarkus.log.category.\"com.amazonaws\".level", "WARN");
    }
}
