package dev.rbmrevoker.api;

import dev.rbmrevoker.campaign.CampaignService;
import dev.rbmrevoker.campaign.CampaignReport;
import dev.rbmrevoker.campaign.StartResult;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** Campaigns: revoke every undelivered message of one, and watch how it goes. */
@Path("/v1/campaigns/{campaign}")
@Produces(MediaType.APPLICATION_JSON)
public class CampaignResource {

    private final CampaignRequests requests;
    private final CampaignService campaigns;

    public CampaignResource(CampaignRequests requests, CampaignService campaigns) {
        this.requests = requests;
        this.campaigns = campaigns;
    }

    @POST
    @Path("/revoke")
    @Operation(summary = "Revoke every undelivered message of a campaign")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ApiDocs.CampaignRevokeRequest.class)))
    @APIResponse(responseCode = "202", description = "Started; the sweep runs it to the end",
            content = @Content(schema = @Schema(implementation = CampaignView.class)))
    @APIResponse(responseCode = "200", description = "Asked for before: the same revocation",
            content = @Content(schema = @Schema(implementation = CampaignView.class)))
    @APIResponse(responseCode = "400", ref = "validation")
    @APIResponse(responseCode = "409", ref = "conflict")
    public Response revoke(@PathParam("campaign") String campaign, @QueryParam("agentId") String agentId,
            byte[] body) {
        CampaignRequests.Campaign named = requests.campaign(campaign, agentId);
        StartResult result = campaigns.start(named.agentId(), named.name(), requests.fallback(body));
        if (result instanceof StartResult.Conflicting conflicting) {
            throw ProblemException.of(ProblemType.CONFLICT, "Campaign " + campaign + " of agent " + named.agentId()
                    + " is being revoked with fallback " + conflicting.revocation().fallback() + " already.");
        }
        CampaignView view = CampaignView.of(new CampaignReport(named.agentId(), named.name(), result.revocation(),
                campaigns.counts(named.agentId(), named.name())));
        return Response.status(result instanceof StartResult.Started ? 202 : 200).entity(view).build();
    }

    @GET
    @Operation(summary = "A campaign's revocation and its messages by state")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = CampaignView.class)))
    @APIResponse(responseCode = "400", ref = "validation")
    @APIResponse(responseCode = "404", ref = "notFound")
    public CampaignView get(@PathParam("campaign") String campaign, @QueryParam("agentId") String agentId) {
        CampaignRequests.Campaign named = requests.campaign(campaign, agentId);
        return campaigns.report(named.agentId(), named.name()).map(CampaignView::of)
                .orElseThrow(() -> ProblemException.of(ProblemType.NOT_FOUND, "Agent " + named.agentId()
                        + " has no message in campaign " + campaign + " and did not revoke it."));
    }
}
