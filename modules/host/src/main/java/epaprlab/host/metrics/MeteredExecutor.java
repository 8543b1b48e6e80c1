package epaprlab.host.metrics;

import akka.dispatch.DispatcherPrerequisites;
import akka.dispatch.ExecutorServiceConfigurator;
import akka.dispatch.ExecutorServiceFactory;
import com.typesafe.config.Config;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The vCPU dispatcher's executor as the host runs it: the same fixed thread pool with one FIFO
 * queue that {@code thread-pool-executor} builds from the dispatcher's settings, but with its
 * queue visible, so /metrics can show how many vCPU turns wait for a thread. The host selects
 * it with {@code epapr-lab.vcpu-dispatcher.executor = "epaprlab.host.metrics.MeteredExecutor"}.
 */
public final class MeteredExecutor extends ExecutorServiceConfigurator {
    private static final List<ThreadPoolExecutor> POOLS = new CopyOnWriteArrayList<>();

    private final int threads;

    public MeteredExecutor(Config config, DispatcherPrerequisites prerequisites) {
        super(config, prerequisites);
        Config pool = config.getConfig("thread-pool-executor");
        int cores = Runtime.getRuntime().availableProcessors();
        int wanted = (int) Math.ceil(cores * pool.getDouble("core-pool-size-factor"));
        this.threads = Math.max(pool.getInt("core-pool-size-min"), Math.min(pool.getInt("core-pool-size-max"), wanted));
    }

    @Override
    public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threadFactory) {
        return () -> {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), threadFactory);
            POOLS.removeIf(ThreadPoolExecutor::isShutdown);
            POOLS.add(pool);
            return pool;
        };
    }

    /** Tasks (actor mailboxes with work) waiting for a vCPU thread, over every live pool. */
    public static long queued() {
        long n = 0;
        for (ThreadPoolExecutor p : POOLS) if (!p.isShutdown()) n += p.getQueue().size();
        return n;
    }

    /** vCPU threads busy right now. */
    public static long active() {
        long n = 0;
        for (ThreadPoolExecutor p : POOLS) if (!p.isShutdown()) n += p.getActiveCount();
        return n;
    }
}
