package io.crewstream.ssegateway.security;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.nimbusds.jwt.JWTClaimsSet;
import io.crewstream.schemas.sse.AuthRefusal;
import io.crewstream.schemas.sse.StreamTicket;
import io.crewstream.ssegateway.SseGatewayProperties;
import io.crewstream.ssegateway.support.TestTokens;
import io.crewstream.testsupport.time.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Stream tickets, issued and redeemed on plain objects and a clock the test moves. */
class StreamTicketsTest {

    private static final String SECRET = "ticket-secret-0123456789-0123456789-xyz";

    private static final Duration TTL = Duration.ofSeconds(30);

    /** Not on a whole second: the ticket's expiry is rounded (JWT times are seconds). */
    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-03T10:00:00.400Z"));

    private final StreamTickets tickets = tickets(SECRET);

    private final Viewer alice = new Viewer("alice", GatewayScope.of(Set.of("home")),
            Optional.of(this.clock.instant().plus(Duration.ofHours(1))));

    private StreamTickets tickets(String secret) {
        return new StreamTickets(new SseGatewayProperties.Tickets(TTL, secret, 30), this.clock, new SecureRandom());
    }

    /** Why the ticket is refused; null when it is accepted. */
    private static AuthRefusal refusal(StreamTickets tickets, String ticket) {
        try {
            tickets.redeem(ticket);
            return null;
        }
        catch (AuthRefusedException ex) {
            return ex.refusal();
        }
    }

    @Test
    void aTicketOpensOnceAsItsViewerAndIsRefusedAsUsedAfterwards() {
        String ticket = this.tickets.issue(this.alice).ticket();

        Viewer redeemed = this.tickets.redeem(ticket);

        assertThat(redeemed).isEqualTo(this.alice);
        assertThat(refusal(this.tickets, ticket)).isEqualTo(AuthRefusal.TICKET_USED);
    }

    @Test
    void noTicketIsIssuedForAnAccessEndingWithinThisSecond() {
        // Rounded down to the second, its end is already past: the ticket could only ever be refused.
        Viewer endingNow = new Viewer("bob", GatewayScope.ALL, Optional.of(this.clock.instant().plusMillis(300)));

        assertThatThrownBy(() -> this.tickets.issue(endingNow)).isInstanceOfSatisfying(AuthRefusedException.class,
                refused -> assertThat(refused.refusal()).isEqualTo(AuthRefusal.TOKEN_EXPIRED));
    }

    @Test
    void aTicketLivesAtLeastItsTtlRoundedUpToAWholeSecondAndExactlyUntilTheExpiryItReports() {
        StreamTicket first = this.tickets.issue(this.alice);
        StreamTicket second = this.tickets.issue(this.alice);
        assertThat(first.expiresAt()).isEqualTo(Instant.parse("2026-12-03T10:00:31Z").toEpochMilli());

        this.clock.at(first.expiresAt() - 1);
        assertThat(refusal(this.tickets, first.ticket())).isNull();
        this.clock.at(second.expiresAt());
        assertThat(refusal(this.tickets, second.ticket())).isEqualTo(AuthRefusal.TICKET_EXPIRED);
    }

    @Test
    void anExpiredTicketIsRefusedAsExpired() {
        String ticket = this.tickets.issue(this.alice).ticket();
        this.clock.advance(TTL.plusSeconds(1));

        assertThat(refusal(this.tickets, ticket)).isEqualTo(AuthRefusal.TICKET_EXPIRED);
    }

    @Test
    void aTicketNeverOutlivesTheAccessItWasIssuedFor() {
        Instant accessEnds = this.clock.instant().plusMillis(5_700);
        Viewer shortLived = new Viewer("bob", GatewayScope.ALL, Optional.of(accessEnds));

        StreamTicket issued = this.tickets.issue(shortLived);

        assertThat(issued.accessExpiresAt()).isEqualTo(accessEnds.toEpochMilli());
        assertThat(issued.expiresAt()).as("the access's end, rounded down to the ticket's whole second")
                .isEqualTo(Instant.parse("2026-12-03T10:00:06Z").toEpochMilli());
        this.clock.at(issued.expiresAt());
        assertThat(refusal(this.tickets, issued.ticket())).isEqualTo(AuthRefusal.TICKET_EXPIRED);
    }

    @Test
    void theStreamOfAStaticTokensTicketNeverExpiresAndStaysShared() {
        StreamTicket issued = this.tickets.issue(Viewer.staticToken(0));

        assertThat(issued.accessExpiresAt()).isNull();
        Viewer redeemed = this.tickets.redeem(issued.ticket());
        assertThat(redeemed.expiresAt()).isEmpty();
        assertThat(redeemed.individual()).as("held to no per-subject limit, like the token itself").isFalse();
        assertThat(this.tickets.redeem(this.tickets.issue(this.alice).ticket()).individual()).isTrue();
    }

    @Test
    void aTicketOfAnotherSecretIsInvalidAndOneWithTheSameSecretIsGoodOnTheOtherInstanceOnce() {
        StreamTickets other = tickets("another-secret-0123456789-0123456789-xy");
        StreamTickets sharing = tickets(SECRET);
        StreamTickets perInstance = tickets(null);

        assertThat(refusal(other, this.tickets.issue(this.alice).ticket())).isEqualTo(AuthRefusal.TICKET_INVALID);
        assertThat(refusal(perInstance, this.tickets.issue(this.alice).ticket()))
                .isEqualTo(AuthRefusal.TICKET_INVALID);
        String shared = this.tickets.issue(this.alice).ticket();
        assertThat(sharing.redeem(shared)).isEqualTo(this.alice);
        assertThat(refusal(sharing, shared)).isEqualTo(AuthRefusal.TICKET_USED);
    }

    @Test
    void aTamperedTicketIsInvalid() {
        String[] parts = this.tickets.issue(this.alice).ticket().split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        assertThat(claims).contains("\"gw\":[\"home\"]");
        String widened = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.replace("\"gw\":[\"home\"]", "\"gw\":\"*\"").getBytes(StandardCharsets.UTF_8));

        assertThat(refusal(this.tickets, parts[0] + "." + widened + "." + parts[2]))
                .isEqualTo(AuthRefusal.TICKET_INVALID);
        assertThat(refusal(this.tickets, parts[0] + "." + parts[1] + ".")).isEqualTo(AuthRefusal.TICKET_INVALID);
        assertThat(refusal(this.tickets, "not-a-ticket")).isEqualTo(AuthRefusal.TICKET_INVALID);
    }

    @Test
    void anUnsignedTicketAndAJwtThatIsNotATicketAreInvalid() {
        JWTClaimsSet.Builder ticketLike = new JWTClaimsSet.Builder().jwtID("forged").subject("mallory")
                .audience(StreamTickets.AUDIENCE).expirationTime(Date.from(this.clock.instant().plusSeconds(10)))
                .claim("gw", "*");
        assertThat(refusal(this.tickets, TestTokens.unsigned(ticketLike))).isEqualTo(AuthRefusal.TICKET_INVALID);

        // Signed with the very secret (configured for both, say), but a token for the dashboard, not a ticket.
        JWTClaimsSet.Builder token = new JWTClaimsSet.Builder().jwtID("a-token").subject("alice")
                .audience(TestTokens.AUDIENCE).expirationTime(Date.from(this.clock.instant().plusSeconds(10)))
                .claim("gw", "*");
        assertThat(refusal(this.tickets, TestTokens.hs256(token, SECRET))).isEqualTo(AuthRefusal.TICKET_INVALID);
        assertThat(refusal(this.tickets, TestTokens.hs256(ticketLike.jwtID("no-exp").expirationTime(null), SECRET)))
                .as("no expiry").isEqualTo(AuthRefusal.TICKET_INVALID);
    }

    @Test
    void redeemedIdsAreKeptOnlyUntilTheirTicketsExpire() {
        for (int i = 0; i < 1_000; i++) {
            this.tickets.redeem(this.tickets.issue(this.alice).ticket());
        }
        assertThat(this.tickets.redeemedKept()).isEqualTo(1_000);

        this.clock.advance(TTL.plusSeconds(1));
        this.tickets.redeem(this.tickets.issue(this.alice).ticket());

        assertThat(this.tickets.redeemedKept()).isEqualTo(1);
    }

    @Test
    void aClockSetBackAfterATicketWasForgottenDoesNotMakeItUsableAgain() {
        StreamTicket issued = this.tickets.issue(this.alice);
        this.tickets.redeem(issued.ticket());
        this.clock.at(issued.expiresAt() + 1_000);
        this.tickets.redeem(this.tickets.issue(this.alice).ticket());
        assertThat(this.tickets.redeemedKept()).as("the first one forgotten").isEqualTo(1);

        this.clock.at(issued.expiresAt() - 10_000);

        assertThat(refusal(this.tickets, issued.ticket())).isEqualTo(AuthRefusal.TICKET_EXPIRED);
    }

    @Test
    void aTicketRedeemedByManyThreadsAtOnceOpensExactlyOnce() throws Exception {
        String ticket = this.tickets.issue(this.alice).ticket();
        int threads = 16;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Boolean>> attempts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                attempts.add(() -> {
                    start.await();
                    return refusal(this.tickets, ticket) == null;
                });
            }
            List<Future<Boolean>> results = new ArrayList<>();
            for (Callable<Boolean> attempt : attempts) {
                results.add(pool.submit(attempt));
            }
            start.countDown();
            int opened = 0;
            for (Future<Boolean> result : results) {
                opened += result.get() ? 1 : 0;
            }
            assertThat(opened).isEqualTo(1);
        }
        finally {
            pool.shutdownNow();
        }
    }
}
