package dev.rbmrevoker.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rbmrevoker.message.CampaignLabels;
import dev.rbmrevoker.rbm.RbmConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** Campaign paths, agent queries and revocation bodies, validated, or a 400 naming what is wrong. */
@ApplicationScoped
class CampaignRequests {

    static final String LABEL_RULE = "must have 1 to 64 characters, each A-Z, a-z, 0-9, '.', '_' or '-'";
    private static final Set<String> REVOKE_FIELDS = Set.of("fallback");

    private final JsonBody json;
    private final Optional<String> defaultAgentId;

    CampaignRequests(JsonBody json, RbmConfig rbm) {
        this.json = json;
        this.defaultAgentId = rbm.agentId();
    }

    /** A campaign named in a path. */
    record Campaign(String agentId, String name) {
    }

    Campaign campaign(String name, String agentId) {
        Problem.FieldError nameError = CampaignLabels.isValid(name) ? null
                : new Problem.FieldError("campaign", LABEL_RULE);
        Problem.FieldError agentError = null;
        String agent = agentId != null ? agentId : defaultAgentId.orElse(null);
        if (agent == null) {
            agentError = new Problem.FieldError("agentId", "is required: this deployment has no default agent"
                    + " (RBM_AGENT_ID)");
        } else if (agent.isBlank() || agent.length() > 200) {
            agentError = new Problem.FieldError("agentId", "must be an RBM agent id");
        }
        List<Problem.FieldError> errors = Stream.of(nameError, agentError)
                .filter(Objects::nonNull).toList();
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.invalid("The campaign or its agent is not valid.", errors));
        }
        return new Campaign(agent, name);
    }

    /** The optional body's fallback choice; false when absent. */
    boolean fallback(byte[] body) {
        ObjectNode request = json.object(body, REVOKE_FIELDS, true);
        JsonNode fallback = request.get("fallback");
        if (fallback == null || fallback.isNull()) {
            return false;
        }
        if (!fallback.isBoolean()) {
            throw new ProblemException(Problem.invalid("fallback must be true or false.",
                    List.of(new Problem.FieldError("fallback", "must be true or false"))));
        }
        return fallback.booleanValue();
    }
}
