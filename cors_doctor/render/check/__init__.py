"""render/check"""
