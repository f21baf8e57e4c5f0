// Lambda runs nodejs22.x; the machine runs Node 20. The SDK's notice about the latter is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
