package dev.sluice.connectors.deadletter;

import dev.sluice.classloader.LibraryThreadsAndDriversRelease;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.functions.util.FunctionUtils;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.InputTypeConfigurable;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.sink.RichSinkFunction;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.table.data.RowData;

/** Checks each row before the wrapped sink function writes it; a poison row goes to dead letter. */
@SuppressWarnings("deprecation")
final class GuardedSinkFunction extends RichSinkFunction<RowData>
        implements CheckpointedFunction, InputTypeConfigurable {

    private static final long serialVersionUID = 1L;

    private final SinkFunction<RowData> inner;
    private final RowChecker checker;
    private final DeadLetterSender sender;

    GuardedSinkFunction(SinkFunction<RowData> inner, RowChecker checker, DeadLetterSender sender) {
        this.inner = inner;
        this.checker = checker;
        this.sender = sender;
    }

    @Override
    public void setRuntimeContext(RuntimeContext context) {
        super.setRuntimeContext(context);
        FunctionUtils.setFunctionRuntimeContext(inner, context);
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        LibraryThreadsAndDriversRelease.registerFor(getRuntimeContext());
        checker.open();
        FunctionUtils.openFunction(inner, openContext);
    }

    @Override
    public void invoke(RowData row, Context context) throws Exception {
        RowChecker.Violation violation = checker.check(row);
        if (violation != null) {
            sender.send("sink", violation.reason(), violation.key(), violation.bytes());
            return;
        }
        inner.invoke(row, context);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        if (inner instanceof CheckpointedFunction checkpointed) {
            checkpointed.snapshotState(context);
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        if (inner instanceof CheckpointedFunction checkpointed) {
            checkpointed.initializeState(context);
        }
    }

    @Override
    public void finish() throws Exception {
        inner.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            FunctionUtils.closeFunction(inner);
        } finally {
            sender.close();
        }
    }

    @Override
    public void setInputType(TypeInformation<?> type, ExecutionConfig executionConfig) {
        if (inner instanceof InputTypeConfigurable configurable) {
            configurable.setInputType(type, executionConfig);
        }
    }
}
