package io.sluice.net.webrtc;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ice4j.StunException;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.LifetimeAttribute;
import org.ice4j.ice.HostCandidate;
import org.ice4j.ice.harvest.TurnCandidateHarvest;
import org.ice4j.ice.harvest.TurnCandidateHarvester;
import org.ice4j.message.Message;
import org.ice4j.message.Request;
import org.ice4j.message.Response;
import org.ice4j.security.LongTermCredential;
import org.ice4j.socket.RelayedCandidateDatagramSocket;
import org.ice4j.stack.TransactionID;

/**
 * TurnHarvester is ice4j's TURN harvester with one addition: it can tell when the TURN server confirmed
 * that an allocation was deleted, so {@link IceSession#free()} can release the allocations while the
 * agent's STUN stack still runs and wait for that, bounded.
 *
 * <p>Why this is needed: ice4j's {@code Agent.free()} shuts its {@code StunStack} down (every connector
 * stopped) <i>before</i> it frees the streams, and freeing a relayed candidate is what sends the TURN
 * Refresh with lifetime 0 that deletes the allocation (RFC 8656 §7). That Refresh then meets a stopped
 * connector ("Can not send message, Connector stopped") and the allocation stays on the TURN server until
 * its lifetime runs out (10 min).
 *
 * <p>Also: ice4j hands the Refresh(0)'s success response (LIFETIME 0) to its keep-alive scheduling, which
 * rejects an interval of 0 with an exception on the STUN stack's thread; {@link Harvest} consumes that
 * response itself.
 *
 * <p>Threads: harvests are made on the thread that opens the session (InlineHarvester); responses arrive
 * on ice4j's STUN threads; {@link #awaitReleased} on the thread that frees the session.
 */
final class TurnHarvester extends TurnCandidateHarvester {
    private final List<Harvest> harvests = new CopyOnWriteArrayList<>();

    TurnHarvester(TransportAddress server, LongTermCredential credential) {
        super(server, credential);
    }

    @Override
    protected TurnCandidateHarvest createHarvest(HostCandidate hostCandidate) {
        Harvest h = new Harvest(this, hostCandidate);
        harvests.add(h);
        return h;
    }

    /**
     * Waits until every allocation whose release was sent (its relayed candidate's socket closed) is
     * confirmed deleted by the server, or refused, or until {@code deadlineNanos} ({@link System#nanoTime}).
     * Not interruptible (the interrupt is kept for the caller): a forward target is stopped by interrupting
     * its thread, and that is just when its allocation must go.
     *
     * @return how many releases were sent and not confirmed in time (0 = all done)
     */
    int awaitReleased(long deadlineNanos) {
        boolean interrupted = false;
        int pending = 0;
        for (Harvest h : harvests) {
            if (!h.releasing) {
                continue;
            }
            while (true) {
                try {
                    long left = Math.max(0, deadlineNanos - System.nanoTime());
                    if (!h.released.get(left, TimeUnit.NANOSECONDS)) {
                        pending++;
                    }
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (TimeoutException | ExecutionException e) {
                    pending++;
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return pending;
    }

    /** Whether {@code request} is the Refresh with LIFETIME 0 that deletes an allocation. */
    static boolean isRelease(Request request) {
        return request.getMessageType() == Message.REFRESH_REQUEST
                && request.getAttribute(Attribute.LIFETIME) instanceof LifetimeAttribute l && l.getLifetime() == 0;
    }

    /** One host candidate's allocation. */
    private static final class Harvest extends TurnCandidateHarvest {
        /** True once the server deleted the allocation, false when it refused or did not answer. */
        final CompletableFuture<Boolean> released = new CompletableFuture<>();
        volatile boolean releasing;

        Harvest(TurnHarvester harvester, HostCandidate hostCandidate) {
            super(harvester, hostCandidate);
        }

        /** Called by the relayed candidate's socket as it closes: sends the Refresh(0). */
        @Override
        public void close(RelayedCandidateDatagramSocket socket) {
            releasing = true;
            super.close(socket);
        }

        /** A Refresh(0) that could not even be sent has no answer to wait for. */
        @Override
        protected TransactionID sendRequest(Request request, boolean firstRequest, TransactionID transactionID)
                throws StunException {
            try {
                return super.sendRequest(request, firstRequest, transactionID);
            } catch (StunException | RuntimeException e) {
                if (isRelease(request)) {
                    released.complete(false);
                }
                throw e;
            }
        }

        @Override
        protected void processSuccess(Response response, Request request, TransactionID transactionID) {
            if (isRelease(request)) {
                // not to super: it would pass LIFETIME 0 on as a keep-alive interval, which ice4j rejects
                released.complete(true);
                return;
            }
            super.processSuccess(response, request, transactionID);
        }

        /** An error response (after ice4j's own 401/438 retries) or no response at all. */
        @Override
        protected boolean processErrorOrFailure(Response response, Request request, TransactionID transactionID) {
            boolean handled = super.processErrorOrFailure(response, request, transactionID);
            if (isRelease(request)) {
                released.complete(false);
            }
            return handled;
        }
    }
}
